package edu.xuanke.http.pages;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/**
 * The catalog page's filters from its query: words searched in title, teacher, code and location,
 * type, period, weekday (0: any) and "has seats". The page's script applies the same filters
 * without a reload; the query makes them work without the script and survive a reload.
 */
record CatalogFilter(String q, long typeId, long periodId, int weekday, boolean hasSeats) {

  static CatalogFilter of(RoutingContext ctx) {
    String q = ctx.request().getParam("q");
    return new CatalogFilter(q == null ? "" : q.trim(), number(ctx, "type"), number(ctx, "period"),
      (int) Math.min(7, number(ctx, "weekday")), "1".equals(ctx.request().getParam("seats")));
  }

  /** {@code section} carries "search": its searchable words in lower case. */
  boolean accepts(JsonObject section, long seatsLeft) {
    return section.getString("search", "").contains(q.toLowerCase(Locale.ROOT))
      && (typeId == 0 || section.getLong("typeId") == typeId)
      && (periodId == 0 || section.getLong("periodId") == periodId)
      && (weekday == 0 || section.getInteger("weekday") == weekday)
      && (!hasSeats || seatsLeft > 0);
  }

  JsonObject toJson() {
    return new JsonObject().put("q", q).put("type", typeId).put("period", periodId).put("weekday", weekday).put("seats", hasSeats);
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
