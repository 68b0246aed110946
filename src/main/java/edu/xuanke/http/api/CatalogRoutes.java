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
    router.get("/api/terms/current").handler(ctx -> Json.reply(ctx, 200, catalog.currentTerm()));
    router.get("/api/sections").handler(this::sections);
    router.get("/api/sections/:id").handler(ctx -> Json.reply(ctx, 200, catalog.section(Requests.pathId(ctx, "id"))));
    router.get("/api/seats").handler(ctx -> Json.reply(ctx, 200, recentSeats.of(Requests.queryId(ctx, "termId"))));
  }

  private void sections(RoutingContext ctx) {
    Json.reply(ctx, 200, catalog.sections(Requests.queryId(ctx, "termId"), Requests.queryId(ctx, "typeId"),
      Requests.queryId(ctx, "periodId")));
  }
}
