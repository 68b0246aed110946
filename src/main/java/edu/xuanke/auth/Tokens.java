package edu.xuanke.auth;

import edu.xuanke.core.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** The JWT provider: HS256 with the configured (or generated and kept) secret. */
public final class Tokens {

  /**
   * The claim saying the session logged in with a one-time password, which must be replaced
   * before selecting. Named "mcp" before; a token without this claim is refused, so sessions
   * begun before that change ended at the upgrade (a session lasts until midnight anyway).
   */
  public static final String MUST_CHANGE_PASSWORD = "mustChangePassword";

  private Tokens() {
  }

  public static JWTAuth provider(Vertx vertx, AppConfig config) {
    return JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.jwtSecret())));
  }
}
