package edu.xuanke.http;

import edu.xuanke.course.CatalogService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET} and {@code HEAD /health}: 200 when Redis and MySQL both answer, else 503; the
 * checks say which is down. The store checks (a Redis PING and a MySQL SELECT 1) are cached for
 * {@link #FRESH_MS} and shared by the process's HTTP verticles, so a flood of unauthenticated
 * probes costs the stores at most one check per event loop and second. A probe never waits for a
 * check while the last result is younger than {@link #STALE_MS}: it gets that result and the
 * check runs for the next probes. A load balancer polling every 500 ms sees a failure within about
 * 1.5 s plus the failing check's own time (at most the timeouts below). Each store's check is bounded in
 * time by the course service (a stalled store is not healthy); when the service itself does not
 * answer within {@link #CHECK_TIMEOUT_MS}, both count as down. {@code checkedAt} says when the
 * answer's checks ran.
 */
public final class Health {

  static final long FRESH_MS = 1_000;
  static final long CHECK_TIMEOUT_MS = 2_500;
  /** Older than this, a result is not answered any more: the probe waits for the running check. */
  static final long STALE_MS = FRESH_MS + CHECK_TIMEOUT_MS;
  private static final String CHECKED_AT = "checkedAt";

  private final CatalogService catalog;
  /** Shared by the process's HTTP verticles: the last check's result and when it finished. */
  private final LocalMap<String, JsonObject> shared;
  /** This event loop's check in flight; probes meanwhile wait for it rather than start another. */
  private Future<JsonObject> checking;

  Health(Vertx vertx, CatalogService catalog) {
    this.catalog = catalog;
    this.shared = vertx.sharedData().getLocalMap("xuanke.health");
    // The first probe after a start then finds a result.
    stores();
  }

  void handle(RoutingContext ctx) {
    stores().onSuccess(stores -> {
      boolean up = "UP".equals(stores.getString("redis")) && "UP".equals(stores.getString("mysql"));
      JsonArray checks = new JsonArray();
      for (String store : new String[] {"redis", "mysql"}) {
        checks.add(new JsonObject().put("id", store).put("status", stores.getString(store)));
      }
      // HEAD: Vert.x sends the status and headers (with the length) and leaves the body out.
      ctx.response().setStatusCode(up ? 200 : 503)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks)
          .put("checkedAt", Instant.ofEpochMilli(stores.getLong(CHECKED_AT)).toString()).toBuffer());
    });
  }

  /**
   * A fresh result as it is; a stale one (up to {@link #STALE_MS}) at once while a new check runs
   * for the next probes, so a probe never waits on a busy store; with nothing recent, the check.
   */
  private Future<JsonObject> stores() {
    JsonObject cached = shared.get("stores");
    long age = cached == null ? Long.MAX_VALUE : System.currentTimeMillis() - cached.getLong(CHECKED_AT);
    if (age < FRESH_MS) return Future.succeededFuture(cached);
    if (checking == null) {
      checking = catalog.health()
        .timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .otherwise(new JsonObject().put("redis", "DOWN").put("mysql", "DOWN"))
        .map(stores -> stores.put(CHECKED_AT, System.currentTimeMillis()))
        .onComplete(done -> {
          shared.put("stores", done.result());
          checking = null;
        });
    }
    return age < STALE_MS ? Future.succeededFuture(cached) : checking;
  }

}
