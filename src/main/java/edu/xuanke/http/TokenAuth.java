package edu.xuanke.http;

import edu.xuanke.auth.AuthService;
import edu.xuanke.auth.Tokens;
import edu.xuanke.core.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;

/**
 * Accepts the JWT from {@code Authorization: Bearer} (API clients) or from the HttpOnly cookie
 * (pages) and puts its claims on the context; anything else is 401 UNAUTHENTICATED. The
 * session check (one live session per account) is done here, except on the selection routes,
 * whose scripts check the session in the same atomic step as the selection.
 */
public final class TokenAuth implements Handler<RoutingContext> {

  public static final String COOKIE = "xk_token";
  private static final String PRINCIPAL = "xk.principal";

  private final JWTAuth jwt;
  private final AuthService sessions;

  private TokenAuth(JWTAuth jwt, AuthService sessions) {
    this.jwt = jwt;
    this.sessions = sessions;
  }

  /** Checks the token and that its session is the account's live one. */
  public static TokenAuth withSession(JWTAuth jwt, AuthService auth) {
    return new TokenAuth(jwt, auth);
  }

  /** Checks the token only: for routes whose service checks the session itself. */
  public static TokenAuth signatureOnly(JWTAuth jwt) {
    return new TokenAuth(jwt, null);
  }

  @Override
  public void handle(RoutingContext ctx) {
    verify(token(ctx))
      .onSuccess(claims -> {
        accept(ctx, claims);
        ctx.next();
      })
      .onFailure(ctx::fail);
  }

  /** The token's claims when it is valid (and, unless signature-only, its session live); else UNAUTHENTICATED. */
  public Future<JsonObject> verify(String token) {
    if (token == null) return ErrorCode.UNAUTHENTICATED.fail();
    return jwt.authenticate(new TokenCredentials(token))
      .recover(invalid -> ErrorCode.UNAUTHENTICATED.fail())
      .compose(user -> {
        JsonObject claims = user.principal();
        if (claims.getString("sub") == null || claims.getString("sid") == null
          || !(claims.getValue(Tokens.MUST_CHANGE_PASSWORD) instanceof Boolean)) return ErrorCode.UNAUTHENTICATED.fail();
        if (sessions == null) return Future.succeededFuture(claims);
        return sessions.sessionLive(claims.getString("sub"), claims.getString("sid"), claims.getLong("term", 0L))
          .compose(live -> live ? Future.succeededFuture(claims) : ErrorCode.UNAUTHENTICATED.fail());
      });
  }

  /** Makes verified claims the caller of this request (read back by {@link #studentId} and friends). */
  public static void accept(RoutingContext ctx, JsonObject claims) {
    ctx.put(PRINCIPAL, claims);
  }

  /** Whether the request carries its token in an Authorization header rather than the cookie. */
  public static boolean bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
  }

  private static String token(RoutingContext ctx) {
    if (bearer(ctx)) return ctx.request().getHeader("Authorization").substring(7).trim();
    Cookie cookie = ctx.request().getCookie(COOKIE);
    return cookie == null ? null : cookie.getValue();
  }

  private static JsonObject claims(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** The studentId (or admin username) of the authenticated caller. */
  public static String studentId(RoutingContext ctx) {
    return claims(ctx).getString("sub");
  }

  public static String sessionId(RoutingContext ctx) {
    return claims(ctx).getString("sid");
  }

  /** The term whose sessions hash holds the caller's session (0: the global one). */
  public static long sessionTerm(RoutingContext ctx) {
    return claims(ctx).getLong("term", 0L);
  }

  /** Whether the caller logged in with a one-time password that must be changed first. */
  public static boolean mustChangePassword(RoutingContext ctx) {
    return claims(ctx).getBoolean(Tokens.MUST_CHANGE_PASSWORD);
  }

  public static String role(RoutingContext ctx) {
    return claims(ctx).getString("role");
  }
}
