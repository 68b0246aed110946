package edu.xuanke.http.pages;

import edu.xuanke.core.ErrorCode;
import edu.xuanke.course.CatalogService;
import edu.xuanke.http.TokenAuth;
import edu.xuanke.round.RoundService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The student's plan page (/wishes): the ranked wishes of a pre-selection with each section's
 * demand, the lottery's outcome with the draw number once published, and "选上计划中的课程"
 * in a first-come round. Plain forms; every rule is {@link RoundService}'s.
 */
public final class WishesPages {

  private final Pages pages;
  private final RoundService rounds;
  private final CatalogService catalog;

  public WishesPages(Pages pages, RoundService rounds, CatalogService catalog) {
    this.pages = pages;
    this.rounds = rounds;
    this.catalog = catalog;
  }

  public void mount() {
    pages.get("/wishes").handler(pages.authenticated())
      .handler(ctx -> show(ctx, 200, "1".equals(ctx.request().getParam("saved")), null, null));
    pages.post("/wishes").handler(pages.authenticated()).handler(this::save);
    pages.post("/wishes/enroll").handler(pages.authenticated()).handler(this::enroll);
  }

  private void save(RoutingContext ctx) {
    JsonArray ids = new JsonArray();
    for (int rank = 1; rank <= 20; rank++) {
      String value = ctx.request().getFormAttribute("wish" + rank);
      if (value == null || value.isBlank()) continue;
      try {
        ids.add(Long.parseLong(value.trim()));
      } catch (NumberFormatException e) {
        show(ctx, 400, false, ErrorCode.BAD_REQUEST.name(), null);
        return;
      }
    }
    rounds.saveWishes(TokenAuth.studentId(ctx), TokenAuth.sessionTerm(ctx), ids)
      .onSuccess(saved -> Pages.redirect(ctx, "/wishes?saved=1"))
      .onFailure(e -> refused(ctx, e, null));
  }

  private void enroll(RoutingContext ctx) {
    rounds.enrollPlan(TokenAuth.studentId(ctx), TokenAuth.sessionId(ctx), TokenAuth.sessionTerm(ctx))
      .onSuccess(results -> show(ctx, 200, false, null, results.getJsonArray("results")))
      .onFailure(e -> refused(ctx, e, null));
  }

  private void refused(RoutingContext ctx, Throwable e, JsonArray results) {
    ErrorCode code = ErrorCode.of(e);
    if (code == null || code.status >= 500 || code == ErrorCode.UNAUTHENTICATED) ctx.fail(e);
    else show(ctx, code.status, false, code.name(), results);
  }

  private void show(RoutingContext ctx, int status, boolean saved, String error, JsonArray planResults) {
    long termId = TokenAuth.sessionTerm(ctx);
    Future<JsonObject> viewer = pages.viewer(ctx);
    if (termId == 0) {
      viewer.onSuccess(v -> pages.render(ctx, status, "wishes", new HashMap<>())).onFailure(ctx::fail);
      return;
    }
    Future<JsonObject> wishes = rounds.wishes(TokenAuth.studentId(ctx), termId);
    Future<JsonArray> sections = catalog.sections(termId, 0, 0);
    Future.all(viewer, wishes, sections).onSuccess(all -> {
      JsonObject plan = wishes.result();
      Map<Long, String> titles = new HashMap<>();
      sections.result().forEach(s -> titles.put(((JsonObject) s).getLong("id"), ((JsonObject) s).getString("courseTitle")));
      List<Object> chosen = new ArrayList<>();
      plan.getJsonArray("wishes").forEach(w -> chosen.add(((JsonObject) w).getLong("sectionId")));
      List<Integer> ranks = new ArrayList<>();
      for (int rank = 1; rank <= plan.getInteger("maxWishes"); rank++) {
        ranks.add(rank);
        if (chosen.size() < rank) chosen.add(0L);
      }
      JsonArray results = new JsonArray();
      if (planResults != null) {
        planResults.forEach(r -> results.add(((JsonObject) r).copy()
          .put("courseTitle", titles.getOrDefault(((JsonObject) r).getLong("sectionId"), ""))));
      }
      Map<String, Object> model = new HashMap<>();
      model.put("plan", plan);
      model.put("round", plan.getJsonObject("round"));
      model.put("sections", sections.result());
      model.put("ranks", ranks);
      model.put("chosen", chosen);
      model.put("saved", saved);
      model.put("error", error);
      model.put("results", results);
      pages.render(ctx, status, "wishes", model);
    }).onFailure(ctx::fail);
  }
}
