package edu.xuanke.http.api;

import edu.xuanke.auth.AuthService;
import edu.xuanke.http.ClientIp;
import edu.xuanke.http.Requests;
import edu.xuanke.http.TokenAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The caller's own profile, email codes and password; the list of colleges. */
public final class MeRoutes {

  private final AuthService auth;
  private final AuthService hashingAuth;
  private final ClientIp clientIp;

  /** {@code hashingAuth}: the proxy for calls that hash a password and may queue for it. */
  public MeRoutes(AuthService auth, AuthService hashingAuth, ClientIp clientIp) {
    this.auth = auth;
    this.hashingAuth = hashingAuth;
    this.clientIp = clientIp;
  }

  public void mount(Router router) {
    router.get("/api/me").handler(ctx -> Json.reply(ctx, 200, auth.profile(TokenAuth.studentId(ctx))));
    router.put("/api/me").handler(ctx -> Json.reply(ctx, 200,
      auth.updateProfile(TokenAuth.studentId(ctx), Requests.body(ctx), clientIp.of(ctx))));
    router.get("/api/colleges").handler(ctx -> Json.reply(ctx, 200, auth.colleges()));
    router.post("/api/me/email-code").handler(this::emailCode);
    router.put("/api/me/password").handler(this::password);
  }

  private void emailCode(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    auth.requestEmailCode(TokenAuth.studentId(ctx), Requests.requiredString(body, "email"), clientIp.of(ctx))
      .onSuccess(v -> ctx.response().setStatusCode(202).end())
      .onFailure(ctx::fail);
  }

  /** With a mailed code, or, for a one-time password given by the school, with that password. */
  private void password(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    String newPassword = Requests.requiredString(body, "newPassword");
    Json.noContent(ctx, body.containsKey("currentPassword")
      ? hashingAuth.replaceOneTimePassword(TokenAuth.studentId(ctx), Requests.requiredString(body, "currentPassword"),
          newPassword, clientIp.of(ctx))
      : hashingAuth.changePassword(TokenAuth.studentId(ctx), Requests.requiredString(body, "code"), newPassword));
  }
}
