package edu.xuanke.http.api;

import edu.xuanke.course.CatalogService;
import edu.xuanke.http.Requests;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The catalog: current term, sections, seat counts. */
public final class CatalogRoutes {

  private final CatalogService catalog;
  private final RecentSeats recentSeats;

  public CatalogRoutes(CatalogService catalog) {
    this.catalog = catalog;
    this.recentSeats = new RecentSeats(catalog);
  }

  public void mount(Router router) {
    router.get("/api/terms/current").handler(ctx -> catalog.currentTerm()
      .onSuccess(term -> Json.ok(ctx, 200, term)).onFailure(ctx::fail));
    router.get("/api/sections").handler(this::sections);
    router.get("/api/sections/:id").handler(ctx -> catalog.section(Requests.pathId(ctx, "id"))
      .onSuccess(section -> Json.ok(ctx, 200, section)).onFailure(ctx::fail));
    router.get("/api/seats").handler(ctx -> recentSeats.of(Requests.queryId(ctx, "termId"))
      .onSuccess(seats -> Json.ok(ctx, 200, seats)).onFailure(ctx::fail));
  }

  private void sections(RoutingContext ctx) {
    catalog.sections(Requests.queryId(ctx, "termId"), Requests.queryId(ctx, "typeId"), Requests.queryId(ctx, "periodId"))
      .onSuccess(sections -> Json.ok(ctx, 200, sections))
      .onFailure(ctx::fail);
  }
}
