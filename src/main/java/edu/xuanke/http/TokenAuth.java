package edu.xuanke.http;

import edu.xuanke.core.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;

/**
 * Accepts the JWT from {@code Authorization: Bearer} (API clients) or from the HttpOnly cookie
 * (pages) and puts its claims on the context; anything else is 401 UNAUTHENTICATED.
 */
public final class TokenAuth implements Handler<RoutingContext> {

  public static final String COOKIE = "xk_token";
  private static final String PRINCIPAL = "xk.principal";

  private final JWTAuth jwt;

  public TokenAuth(JWTAuth jwt) {
    this.jwt = jwt;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = token(ctx);
    if (token == null) {
      ctx.fail(ErrorCode.UNAUTHENTICATED.exception());
      return;
    }
    jwt.authenticate(new TokenCredentials(token)).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(PRINCIPAL, ar.result().principal());
        ctx.next();
      } else {
        ctx.fail(ErrorCode.UNAUTHENTICATED.exception());
      }
    });
  }

  private static String token(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    Cookie cookie = ctx.request().getCookie(COOKIE);
    return cookie == null ? null : cookie.getValue();
  }

  /** The studentId (or admin username) of the authenticated caller. */
  public static String studentId(RoutingContext ctx) {
    JsonObject principal = ctx.get(PRINCIPAL);
    return principal.getString("sub");
  }
}
