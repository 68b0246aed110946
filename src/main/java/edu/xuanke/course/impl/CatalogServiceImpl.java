package edu.xuanke.course.impl;

import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Times;
import edu.xuanke.course.Catalog;
import edu.xuanke.course.CatalogEditor;
import edu.xuanke.course.CatalogKind;
import edu.xuanke.course.Reconciliation;
import edu.xuanke.course.Rounds;
import edu.xuanke.core.ServiceCalls;
import edu.xuanke.course.CatalogService;
import edu.xuanke.course.LiveState;
import edu.xuanke.course.TermKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

public final class CatalogServiceImpl implements CatalogService {

  /** Well inside the event-bus timeout, so the caller still hears the answer. */
  private static final long DRAIN_WAIT_MS = ServiceCalls.TIMEOUT_MS * 3 / 4;
  /** A store that has not answered its health check by then counts as down. */
  private static final long STORE_CHECK_MS = 1_500;

  private final Catalog catalog;
  private final LiveState live;
  private final Pool mysql;
  private final ZoneId zone;
  private final CatalogEditor editor;
  private final Reconciliation reconciliation;
  private final Rounds rounds;

  public CatalogServiceImpl(Catalog catalog, LiveState live, Pool mysql, ZoneId zone, CatalogEditor editor,
                            Reconciliation reconciliation, Rounds rounds) {
    this.catalog = catalog;
    this.rounds = rounds;
    this.editor = editor;
    this.reconciliation = reconciliation;
    this.mysql = mysql;
    this.live = live;
    this.zone = zone;
  }

  @Override
  public Future<JsonArray> rounds(long termId) {
    return rounds.list(termId);
  }

  @Override
  public Future<JsonObject> round(long roundId) {
    return rounds.get(roundId);
  }

  @Override
  public Future<JsonObject> saveRound(long id, JsonObject fields) {
    return rounds.save(id, fields);
  }

  @Override
  public Future<JsonObject> placeAll(long termId, String tag, JsonArray placements) {
    return rounds.place(termId, tag, placements);
  }

  @Override
  public Future<JsonObject> currentTerm() {
    return findTerm(0).map(this::termJson);
  }

  @Override
  public Future<JsonObject> term(long termId) {
    if (termId <= 0) return ErrorCode.NOT_FOUND.fail();
    return findTerm(termId).map(this::termJson);
  }

  private JsonObject termJson(Catalog.Term term) {
    Instant now = Instant.now();
    return new JsonObject()
      .put("id", term.id())
      .put("name", term.name())
      .put("selectionOpensAt", Times.iso(term.opensAt(), zone))
      .put("selectionClosesAt", Times.iso(term.closesAt(), zone))
      .put("dropClosesAt", Times.iso(term.dropClosesAt(), zone))
      .put("maxSectionsPerStudent", term.maxSectionsPerStudent())
      .put("profileRequired", term.profileRequired())
      .put("open", term.openAt(now))
      .put("over", !term.liveAt(now));
  }

  @Override
  public Future<JsonArray> sections(long termId, long typeId, long periodId) {
    return findTerm(termId).compose(term -> {
      List<Catalog.Section> sections = catalog.sectionsOf(term.id()).stream()
        .filter(s -> typeId == 0 || s.typeId() == typeId)
        .filter(s -> periodId == 0 || s.periodId() == periodId)
        .toList();
      return liveCounts(term.id())
        .map(counts -> {
          JsonArray out = new JsonArray();
          for (Catalog.Section s : sections) out.add(counts.apply(s));
          return out;
        });
    });
  }

  @Override
  public Future<JsonObject> section(long sectionId) {
    return catalog.findSection(sectionId).compose(found -> {
      if (found.isEmpty()) return ErrorCode.SECTION_NOT_FOUND.fail();
      Catalog.Section s = found.get();
      return liveCounts(s.termId()).map(counts -> counts.apply(s));
    });
  }

  @Override
  public Future<JsonObject> seats(long termId) {
    return findTerm(termId).compose(term -> live.readHash(term.id(), live.keys(term.id()).seats())).map(seats -> {
      JsonObject out = new JsonObject();
      seats.forEach((id, left) -> out.put(id, Long.parseLong(left)));
      return out;
    });
  }

  @Override
  public Future<JsonArray> records(CatalogKind kind, long termId) {
    return editor.list(kind, termId);
  }

  @Override
  public Future<JsonObject> saveRecord(CatalogKind kind, long id, JsonObject fields) {
    return editor.save(kind, id, fields);
  }

  @Override
  public Future<Void> retireRecord(CatalogKind kind, long id) {
    return editor.retire(kind, id);
  }

  @Override
  public Future<Void> awaitPersisted(long termId) {
    return findTerm(termId).compose(term -> reconciliation.drained(termId, DRAIN_WAIT_MS)
      .recover(notYet -> ErrorCode.UNAVAILABLE.fail(new JsonObject().put("retryAfterSeconds", 5))));
  }

  @Override
  public Future<JsonArray> reconcile(long termId) {
    return awaitPersisted(termId).compose(v -> reconciliation.differences(termId));
  }

  @Override
  public Future<JsonObject> liveFigures(long termId) {
    return findTerm(termId).compose(term -> reconciliation.liveFigures(termId));
  }

  @Override
  public Future<JsonObject> health() {
    Future<String> redis = live.redis().ping(List.of()).timeout(STORE_CHECK_MS, TimeUnit.MILLISECONDS)
      .map("UP").otherwise("DOWN");
    Future<String> db = mysql.query("SELECT 1").execute().timeout(STORE_CHECK_MS, TimeUnit.MILLISECONDS)
      .map("UP").otherwise("DOWN");
    return Future.join(redis, db).transform(done -> Future.succeededFuture(
      new JsonObject().put("redis", redis.result()).put("mysql", db.result())));
  }

  private Future<Catalog.Term> findTerm(long termId) {
    Optional<Catalog.Term> term = termId == 0 ? catalog.currentTerm(Instant.now()) : catalog.term(termId);
    return term.map(Future::succeededFuture).orElseGet(ErrorCode.NOT_FOUND::fail);
  }

  /** Reads a term's seats and waitlist lengths once; the function adds them to a section's JSON. */
  private Future<Function<Catalog.Section, JsonObject>> liveCounts(long termId) {
    TermKeys keys = live.keys(termId);
    return Future.all(live.readHash(termId, keys.seats()), live.readHash(termId, keys.waitlistLengths())).map(both -> {
      Map<String, String> seats = both.resultAt(0);
      Map<String, String> waiting = both.resultAt(1);
      return s -> {
        String id = Long.toString(s.id());
        return s.toJson()
          .put("seatsLeft", Long.parseLong(seats.getOrDefault(id, Integer.toString(s.capacity()))))
          .put("waitlisted", Long.parseLong(waiting.getOrDefault(id, "0")));
      };
    });
  }
}
