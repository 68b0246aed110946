package edu.xuanke.http.api;

import edu.xuanke.auth.AuthService;
import edu.xuanke.http.ClientIp;
import edu.xuanke.http.Requests;
import edu.xuanke.http.SessionCookie;
import edu.xuanke.http.TokenAuth;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Login, logout and activation. */
public final class AuthRoutes {

  private final AuthService auth;
  private final ClientIp clientIp;
  private final SessionCookie cookie;

  public AuthRoutes(AuthService auth, ClientIp clientIp, SessionCookie cookie) {
    this.auth = auth;
    this.clientIp = clientIp;
    this.cookie = cookie;
  }

  /** The routes that need no token. */
  public void mountPublic(Router router) {
    router.post("/api/auth/login").handler(this::login);
    router.post("/api/auth/activate").handler(this::activate);
  }

  /** Logout, behind {@code authenticated}. */
  public void mountAuthenticated(Router router, Handler<RoutingContext> authenticated) {
    router.post("/api/auth/logout").handler(authenticated).handler(this::logout);
  }

  private void login(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    String lang = ctx.preferredLanguage() == null ? "zh-CN" : ctx.preferredLanguage().tag();
    auth.login(Requests.requiredString(body, "studentId"), Requests.requiredString(body, "password"), clientIp.of(ctx), lang)
      .onSuccess(session -> {
        cookie.set(ctx.response(), session.getString("token"));
        Json.ok(ctx, 200, session);
      })
      .onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    auth.logout(TokenAuth.studentId(ctx), TokenAuth.sessionId(ctx), TokenAuth.sessionTerm(ctx))
      .onSuccess(v -> {
        cookie.clear(ctx.response());
        ctx.response().setStatusCode(204).end();
      })
      .onFailure(ctx::fail);
  }

  private void activate(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    Json.noContent(ctx, auth.activate(Requests.requiredString(body, "token"), Requests.requiredString(body, "password")));
  }
}
