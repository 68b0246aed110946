package edu.xuanke.http.pages;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The catalog page's filters from its query: type, period, weekday (0: any) and "has seats". */
record CatalogFilter(long typeId, long periodId, int weekday, boolean hasSeats) {

  static CatalogFilter of(RoutingContext ctx) {
    return new CatalogFilter(number(ctx, "type"), number(ctx, "period"), (int) Math.min(7, number(ctx, "weekday")),
      "1".equals(ctx.request().getParam("seats")));
  }

  boolean accepts(JsonObject section, long seatsLeft) {
    return (typeId == 0 || section.getLong("typeId") == typeId)
      && (periodId == 0 || section.getLong("periodId") == periodId)
      && (weekday == 0 || section.getInteger("weekday") == weekday)
      && (!hasSeats || seatsLeft > 0);
  }

  JsonObject toJson() {
    return new JsonObject().put("type", typeId).put("period", periodId).put("weekday", weekday).put("seats", hasSeats);
  }

  /** A filter value is a choice from the page's own lists: anything unreadable means "any". */
  private static long number(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    try {
      return value == null ? 0 : Math.max(0, Long.parseLong(value));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
