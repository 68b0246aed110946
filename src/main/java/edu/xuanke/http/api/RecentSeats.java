package edu.xuanke.http.api;

import edu.xuanke.course.CatalogService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.HashMap;
import java.util.Map;

/**
 * The seat counts of GET /api/seats, read at most every {@value #MAX_AGE_MS} ms per term and
 * event loop: at an opening every open catalog page polls them, and each read is a whole hash
 * turned into JSON. Requests that arrive while a read is under way share it. A failed read is
 * not kept. Used on one event loop only (one instance per HTTP verticle).
 */
final class RecentSeats {

  static final long MAX_AGE_MS = 250;

  private final CatalogService catalog;
  private final Map<Long, Entry> byTerm = new HashMap<>();

  private record Entry(Future<Buffer> body, long readAt) {
  }

  RecentSeats(CatalogService catalog) {
    this.catalog = catalog;
  }

  Future<Buffer> of(long termId) {
    long now = System.currentTimeMillis();
    Entry recent = byTerm.get(termId);
    if (recent != null && now - recent.readAt < MAX_AGE_MS && !recent.body.failed()) return recent.body;
    Future<Buffer> read = catalog.seats(termId).map(seats -> seats.toBuffer());
    byTerm.put(termId, new Entry(read, now));
    return read;
  }
}
