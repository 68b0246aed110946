package edu.xuanke.http.api;

import edu.xuanke.core.ErrorCode;
import edu.xuanke.course.SelectionService;
import edu.xuanke.http.ApiErrors;
import edu.xuanke.http.Requests;
import edu.xuanke.http.TokenAuth;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Select, drop, leave a waitlist, swap and list: each a straight call to {@link SelectionService}. */
public final class SelectionRoutes {

  private final SelectionService selection;

  public SelectionRoutes(SelectionService selection) {
    this.selection = selection;
  }

  /**
   * Select, drop and swap behind {@code tokenOnly}: their scripts check the session in the same
   * step, which spares the hottest routes a round trip.
   */
  public void mountChanges(Router router, Handler<RoutingContext> tokenOnly) {
    router.post("/api/selections/swap").handler(tokenOnly).handler(SelectionRoutes::passwordChosen).handler(this::swap);
    router.post("/api/selections").handler(tokenOnly).handler(SelectionRoutes::passwordChosen).handler(this::select);
    router.delete("/api/selections/:sectionId").handler(tokenOnly).handler(SelectionRoutes::passwordChosen).handler(this::drop);
    router.delete("/api/waitlist/:sectionId").handler(tokenOnly).handler(SelectionRoutes::passwordChosen).handler(this::leaveWaitlist);
  }

  /** A student still on a one-time password changes it before anything else (a new login then selects). */
  private static void passwordChosen(RoutingContext ctx) {
    if (TokenAuth.mustChangePassword(ctx)) ctx.fail(ErrorCode.PASSWORD_CHANGE_REQUIRED.exception());
    else ctx.next();
  }

  public void mountReads(Router router) {
    router.get("/api/selections").handler(ctx -> Json.reply(ctx, 200, selection.selections(TokenAuth.studentId(ctx))));
  }

  private void select(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    selection.select(TokenAuth.studentId(ctx), TokenAuth.sessionId(ctx), Requests.requiredId(body, "sectionId"),
        Requests.optionalBoolean(body, "waitlist"))
      .onSuccess(result -> Json.ok(ctx, "ENROLLED".equals(result.getString("status")) ? 201 : 202, result))
      .onFailure(failure -> ApiErrors.respond(ctx, failure));
  }

  private void drop(RoutingContext ctx) {
    selection.drop(TokenAuth.studentId(ctx), TokenAuth.sessionId(ctx), Requests.pathId(ctx, "sectionId"))
      .onSuccess(v -> ctx.response().setStatusCode(204).end())
      .onFailure(failure -> ApiErrors.respond(ctx, failure));
  }

  private void leaveWaitlist(RoutingContext ctx) {
    selection.leaveWaitlist(TokenAuth.studentId(ctx), TokenAuth.sessionId(ctx), Requests.pathId(ctx, "sectionId"))
      .onSuccess(v -> ctx.response().setStatusCode(204).end())
      .onFailure(failure -> ApiErrors.respond(ctx, failure));
  }

  private void swap(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    selection.swap(TokenAuth.studentId(ctx), TokenAuth.sessionId(ctx), Requests.requiredId(body, "from"),
        Requests.requiredId(body, "to"))
      .onSuccess(result -> Json.ok(ctx, 200, result))
      .onFailure(failure -> ApiErrors.respond(ctx, failure));
  }
}
