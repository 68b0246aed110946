package edu.xuanke.http.api;

import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Fields;
import edu.xuanke.course.CatalogService;
import edu.xuanke.http.Requests;
import edu.xuanke.http.TokenAuth;
import edu.xuanke.round.RoundService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Rounds and wishes: a student's plan (wishes) and trying it whole; the admin's rounds, lottery,
 * results, their export and publication. Each a straight call to {@link RoundService} or, for the rounds
 * themselves, {@link CatalogService}.
 */
public final class RoundRoutes {

  private final RoundService rounds;
  private final RoundService exports;
  private final CatalogService catalog;

  public RoundRoutes(RoundService rounds, RoundService exports, CatalogService catalog) {
    this.rounds = rounds;
    this.exports = exports;
    this.catalog = catalog;
  }

  /** Student routes, behind the session check. */
  public void mount(Router router) {
    router.get("/api/wishes").handler(ctx -> Json.reply(ctx, 200, rounds.wishes(TokenAuth.studentId(ctx), term(ctx, Requests.queryId(ctx, "termId")))));
    router.put("/api/wishes").handler(ctx -> {
      JsonObject body = Requests.body(ctx);
      if (!(body.getValue("sectionIds") instanceof JsonArray ids)) {
        throw ErrorCode.BAD_REQUEST.exception(Fields.details("sectionIds", "NOT_AN_ARRAY"));
      }
      Json.reply(ctx, 200, rounds.saveWishes(TokenAuth.studentId(ctx), Requests.requiredId(body, "termId"), ids));
    });
    router.post("/api/wishes/enroll").handler(ctx -> {
      // As for select: a student on a one-time password changes it first.
      if (TokenAuth.mustChangePassword(ctx)) throw ErrorCode.PASSWORD_CHANGE_REQUIRED.exception();
      // The body is optional: without one (or without termId) the plan of the session's term is tried.
      JsonObject body = ctx.body().length() == 0 ? new JsonObject() : Requests.body(ctx);
      long termId = term(ctx, body.getValue("termId") == null ? 0 : Requests.requiredId(body, "termId"));
      Json.reply(ctx, 200, rounds.enrollPlan(TokenAuth.studentId(ctx), TokenAuth.sessionId(ctx), termId));
    });
  }

  /** The lottery's results as a CSV or XLSX download, written to a local file first (on a worker). */
  private void export(RoutingContext ctx) {
    long roundId = Requests.pathId(ctx, "id");
    exports.exportResults(roundId, ctx.request().getParam("format", "csv"), ctx.request().getParam("lang", "zh-CN"))
      .onSuccess(file -> {
        String path = file.getString("path");
        ctx.response().putHeader("Content-Type", file.getString("contentType"))
          .putHeader("Cache-Control", "no-store")
          .putHeader("Content-Disposition", "attachment; filename=\"" + file.getString("fileName") + "\"")
          .sendFile(path).onComplete(sent -> ctx.vertx().fileSystem().delete(path));
      })
      .onFailure(ctx::fail);
  }

  /** The term asked for, else the term of the student's session. */
  private static long term(RoutingContext ctx, long asked) {
    long termId = asked != 0 ? asked : TokenAuth.sessionTerm(ctx);
    if (termId == 0) throw ErrorCode.BAD_REQUEST.exception(Fields.details("termId", "REQUIRED"));
    return termId;
  }

  /** Admin routes, mounted after the admin check of /api/admin/*. */
  public void mountAdmin(Router router) {
    router.get("/api/admin/rounds").handler(ctx -> Json.reply(ctx, 200, catalog.rounds(term(ctx, Requests.queryId(ctx, "termId")))));
    router.post("/api/admin/rounds").handler(ctx -> Json.reply(ctx, 201, catalog.saveRound(0, Requests.body(ctx))));
    router.put("/api/admin/rounds/:id").handler(ctx -> Json.reply(ctx, 200, catalog.saveRound(Requests.pathId(ctx, "id"), Requests.body(ctx))));
    router.post("/api/admin/rounds/:id/lottery").handler(ctx -> {
      JsonObject body = Requests.body(ctx);
      if (!(body.getValue("seed") instanceof Number seed) || seed.doubleValue() != seed.longValue()) {
        throw ErrorCode.BAD_REQUEST.exception(Fields.details("seed", "NOT_AN_INTEGER"));
      }
      Json.reply(ctx, 202, rounds.startLottery(Requests.pathId(ctx, "id"), seed.longValue()));
    });
    router.get("/api/admin/rounds/:id/results").handler(ctx -> Json.reply(ctx, 200, rounds.results(Requests.pathId(ctx, "id"))));
    router.post("/api/admin/rounds/:id/publish").handler(ctx -> Json.reply(ctx, 202, rounds.publish(Requests.pathId(ctx, "id"))));
    router.get("/api/admin/rounds/:id/export").handler(this::export);
  }
}
