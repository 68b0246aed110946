package edu.xuanke.auth;

import edu.xuanke.core.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** The JWT provider: HS256 with the configured (or generated and kept) secret. */
public final class Tokens {

  private Tokens() {
  }

  public static JWTAuth provider(Vertx vertx, AppConfig config) {
    return JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.jwtSecret())));
  }
}
