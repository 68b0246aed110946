package edu.xuanke.http.api;

import edu.xuanke.auth.AuthService;
import edu.xuanke.http.Requests;
import edu.xuanke.http.TokenAuth;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** POST /api/auth/login. */
public final class AuthRoutes {

  private final AuthService auth;
  private final boolean secureCookie;

  public AuthRoutes(AuthService auth, boolean secureCookie) {
    this.auth = auth;
    this.secureCookie = secureCookie;
  }

  public void mount(Router router) {
    router.post("/api/auth/login").handler(this::login);
  }

  private void login(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    auth.login(Requests.requiredString(body, "studentId"), Requests.requiredString(body, "password"))
      .onSuccess(session -> {
        ctx.response().addCookie(Cookie.cookie(TokenAuth.COOKIE, session.getString("token"))
          .setPath("/").setHttpOnly(true).setSecure(secureCookie).setSameSite(CookieSameSite.LAX));
        Json.ok(ctx, 200, session);
      })
      .onFailure(ctx::fail);
  }
}
