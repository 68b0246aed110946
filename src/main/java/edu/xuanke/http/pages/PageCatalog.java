package edu.xuanke.http.pages;

import edu.xuanke.course.CatalogService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The current term and its sections for the pages, kept in this process: the catalog page asks
 * the course domain only for live seat counts. Emptied when an admin edit is announced on
 * {@link CatalogService#CHANGED_ADDRESS} and again when the course instances have reloaded
 * ({@link CatalogService#RELOADED_ADDRESS}), and after {@value #MAX_AGE_MS} ms in any case (the
 * current term changes with the clock when one term closes and the next opens).
 */
final class PageCatalog {

  /** The current term and its sections (with the seat counts of when they were read). */
  record Snapshot(JsonObject term, JsonArray sections) {
  }

  static final long MAX_AGE_MS = 60_000;

  private final CatalogService catalog;
  private Future<Snapshot> cached;
  private long readAt;

  PageCatalog(Vertx vertx, CatalogService catalog) {
    this.catalog = catalog;
    vertx.eventBus().consumer(CatalogService.CHANGED_ADDRESS, changed -> cached = null);
    // This node's course instances announce their own reload; another node's reload says nothing about them.
    vertx.eventBus().localConsumer(CatalogService.RELOADED_ADDRESS, reloaded -> cached = null);
  }

  /** Called on the event loop that created this cache (one per HTTP verticle), so no locking. */
  Future<Snapshot> snapshot() {
    long now = System.currentTimeMillis();
    if (cached == null || now - readAt > MAX_AGE_MS || cached.failed()) {
      readAt = now;
      cached = catalog.currentTerm().compose(term -> catalog.sections(term.getLong("id"), 0, 0)
        .map(sections -> new Snapshot(term, sections)));
    }
    return cached;
  }
}
