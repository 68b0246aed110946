package edu.xuanke.http.api;

import edu.xuanke.course.CatalogService;
import edu.xuanke.http.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * GET /api/seats/stream: Server-Sent Events with the seat counts of a term. One poller per term
 * and HTTP verticle (event loop) reads the counts once a second while anyone watches and sends
 * every viewer the entries that changed: event {@code seats} {"sectionId": seatsLeft} and event
 * {@code waitlisted} {"sectionId": length}. A new viewer first gets all entries; so does a viewer
 * whose write queue was full (it missed changes meanwhile). All state is touched on this verticle's
 * event loop only.
 */
public final class SeatsStream {

  static final long POLL_MS = 1000;
  private static final int KEEPALIVE_EVERY_POLLS = 15;

  private final Vertx vertx;
  private final CatalogService catalog;
  private final Map<Long, Feed> feeds = new HashMap<>();

  public SeatsStream(Vertx vertx, CatalogService catalog) {
    this.vertx = vertx;
    this.catalog = catalog;
  }

  public void mount(Router router) {
    router.get("/api/seats/stream").handler(this::subscribe);
  }

  private final class Feed {
    final long termId;
    final Set<HttpServerResponse> viewers = new HashSet<>();
    final Set<HttpServerResponse> fresh = new HashSet<>();
    Map<String, Long> seats = Map.of();
    Map<String, Long> waiting = Map.of();
    long timer = -1;
    int polls;
    boolean polling;

    Feed(long termId) {
      this.termId = termId;
    }

    void add(HttpServerResponse viewer) {
      viewers.add(viewer);
      fresh.add(viewer);
      if (timer < 0) timer = vertx.setPeriodic(1, POLL_MS, id -> poll());
    }

    void remove(HttpServerResponse viewer) {
      viewers.remove(viewer);
      fresh.remove(viewer);
      if (viewers.isEmpty()) {
        vertx.cancelTimer(timer);
        feeds.remove(termId);
      }
    }

    private void poll() {
      if (polling) return; // a slow store: skip a beat rather than pile up reads
      polling = true;
      catalog.sections(termId, 0, 0).onComplete(read -> {
        polling = false;
        if (read.succeeded()) publish(read.result());
        if (++polls % KEEPALIVE_EVERY_POLLS == 0) {
          viewers.stream().filter(v -> !v.writeQueueFull()).forEach(v -> v.write(": keep-alive\n\n"));
        }
      });
    }

    private void publish(JsonArray sections) {
      Map<String, Long> newSeats = new HashMap<>();
      Map<String, Long> newWaiting = new HashMap<>();
      sections.forEach(o -> {
        JsonObject s = (JsonObject) o;
        newSeats.put(s.getLong("id").toString(), s.getLong("seatsLeft"));
        newWaiting.put(s.getLong("id").toString(), s.getLong("waitlisted"));
      });
      String seatChanges = event("seats", changes(seats, newSeats));
      String waitChanges = event("waitlisted", changes(waiting, newWaiting));
      seats = newSeats;
      waiting = newWaiting;
      String everything = event("seats", new JsonObject(new HashMap<>(newSeats))) + event("waitlisted",
        new JsonObject(new HashMap<>(newWaiting)));
      for (HttpServerResponse viewer : viewers) {
        if (viewer.writeQueueFull()) {
          // A viewer that does not read: queue nothing more for it; once it has caught up it gets everything.
          fresh.add(viewer);
        } else if (fresh.remove(viewer)) {
          viewer.write(everything);
        } else if (!seatChanges.isEmpty() || !waitChanges.isEmpty()) {
          viewer.write(seatChanges + waitChanges);
        }
      }
    }
  }

  private void subscribe(RoutingContext ctx) {
    long requested = Requests.queryId(ctx, "termId");
    Future<JsonObject> term = requested == 0 ? catalog.currentTerm() : catalog.term(requested);
    term.onSuccess(found -> {
      HttpServerResponse response = ctx.response();
      if (response.closed()) return;
      response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
      if (ctx.request().method() == HttpMethod.HEAD) {
        response.end(); // the headers are the whole answer: a stream has no end to wait for
        return;
      }
      response.write("retry: 3000\n\n");
      Feed feed = feeds.computeIfAbsent(found.getLong("id"), Feed::new);
      feed.add(response);
      response.closeHandler(closed -> feed.remove(response));
      // A stream never ends by itself: end it when the server shuts down, which then need not wait for it.
      ctx.request().connection().shutdownHandler(shutdown -> response.end());
    }).onFailure(ctx::fail);
  }

  private static JsonObject changes(Map<String, Long> before, Map<String, Long> after) {
    JsonObject changed = new JsonObject();
    after.forEach((id, value) -> {
      if (!value.equals(before.get(id))) changed.put(id, value);
    });
    return changed;
  }

  private static String event(String name, JsonObject data) {
    return data.isEmpty() ? "" : "event: " + name + "\ndata: " + data.encode() + "\n\n";
  }
}
