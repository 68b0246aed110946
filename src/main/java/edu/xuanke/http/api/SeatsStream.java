package edu.xuanke.http.api;

import edu.xuanke.course.CatalogService;
import edu.xuanke.course.SelectionService;
import edu.xuanke.http.Requests;
import edu.xuanke.http.TokenAuth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GET /api/seats/stream: Server-Sent Events with the seat counts of a term. One poller per term
 * and HTTP verticle (event loop) reads the counts once a second while anyone watches and sends
 * every viewer the entries that changed: event {@code seats} {"sectionId": seatsLeft} and event
 * {@code waitlisted} {"sectionId": length}. A new viewer first gets all entries; so does a viewer
 * whose write queue was full (it missed changes meanwhile).
 *
 * <p>A student watching also gets their own changes, however made (another tab, a promotion from
 * a waitlist, the office): event {@code mine} {"enrolled": [ids], "waitlisted": [ids]} whenever
 * it differs from what the stream last sent them, and event {@code session} {"replaced": true}
 * (another login) or {"ended": true} (logout, expiry) once their session is gone, after which
 * the stream ends. The same poll reads them for every student watching in three reads
 * ({@link SelectionService#standings}). All state is touched on this verticle's event loop only.
 */
public final class SeatsStream {

  static final long POLL_MS = 1000;
  private static final int KEEPALIVE_EVERY_POLLS = 15;

  private final Vertx vertx;
  private final CatalogService catalog;
  private final SelectionService selection;
  private final Map<Long, Feed> feeds = new HashMap<>();

  public SeatsStream(Vertx vertx, CatalogService catalog, SelectionService selection) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.selection = selection;
  }

  /** A student watching their own term: whose changes to push, and which session must stay live. */
  private static final class Watcher {
    final String studentId;
    final String sessionId;
    String lastMine = "";

    Watcher(String studentId, String sessionId) {
      this.studentId = studentId;
      this.sessionId = sessionId;
    }
  }

  public void mount(Router router) {
    router.get("/api/seats/stream").handler(this::subscribe);
  }

  private final class Feed {
    final long termId;
    final Set<HttpServerResponse> viewers = new HashSet<>();
    final Set<HttpServerResponse> fresh = new HashSet<>();
    final Map<HttpServerResponse, Watcher> watchers = new HashMap<>();
    Map<String, Long> seats = Map.of();
    Map<String, Long> waiting = Map.of();
    long timer = -1;
    int polls;
    boolean polling;

    Feed(long termId) {
      this.termId = termId;
    }

    void add(HttpServerResponse viewer, Watcher watcher) {
      viewers.add(viewer);
      if (watcher != null) watchers.put(viewer, watcher);
      fresh.add(viewer);
      if (timer < 0) timer = vertx.setPeriodic(1, POLL_MS, id -> poll());
    }

    void remove(HttpServerResponse viewer) {
      if (!viewers.remove(viewer)) return; // ended by us, then closed: removed once
      watchers.remove(viewer);
      fresh.remove(viewer);
      if (viewers.isEmpty()) {
        vertx.cancelTimer(timer);
        feeds.remove(termId);
      }
    }

    private void poll() {
      if (polling) return; // a slow store: skip a beat rather than pile up reads
      polling = true;
      List<String> students = watchers.values().stream().map(w -> w.studentId).distinct().toList();
      Future<JsonArray> sections = catalog.sections(termId, 0, 0);
      Future<JsonObject> standings = selection.standings(termId, students);
      Future.join(sections, standings).onComplete(read -> {
        polling = false;
        if (sections.succeeded()) publish(sections.result());
        if (standings.succeeded()) pushOwnChanges(standings.result());
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

    private void pushOwnChanges(JsonObject standings) {
      for (Map.Entry<HttpServerResponse, Watcher> entry : new ArrayList<>(watchers.entrySet())) {
        HttpServerResponse viewer = entry.getKey();
        Watcher watcher = entry.getValue();
        JsonObject standing = standings.getJsonObject(watcher.studentId);
        if (standing == null || viewer.writeQueueFull()) continue;
        String session = standing.getString("session");
        if (!watcher.sessionId.equals(session)) {
          JsonObject why = new JsonObject().put(session == null ? "ended" : "replaced", true);
          viewer.end(event("session", why));
          remove(viewer);
          continue;
        }
        // The standing is shared by every page of the student in this feed: read it, never change it.
        String mine = event("mine", new JsonObject()
          .put("enrolled", standing.getJsonArray("enrolled")).put("waitlisted", standing.getJsonArray("waitlisted")));
        if (!mine.equals(watcher.lastMine)) {
          watcher.lastMine = mine;
          viewer.write(mine);
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
      long termId = found.getLong("id");
      Feed feed = feeds.computeIfAbsent(termId, Feed::new);
      // Only a student's session lives in the term's session hash, so only they are watched for their own changes.
      boolean ownTerm = "STUDENT".equals(TokenAuth.role(ctx)) && TokenAuth.sessionTerm(ctx) == termId;
      feed.add(response, ownTerm ? new Watcher(TokenAuth.studentId(ctx), TokenAuth.sessionId(ctx)) : null);
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
