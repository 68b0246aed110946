package edu.xuanke.course;

import edu.xuanke.auth.AuthService;
import edu.xuanke.core.HashTagKeys;
import edu.xuanke.core.Poll;
import edu.xuanke.core.RedisScript;
import edu.xuanke.core.Replies;
import edu.xuanke.core.Times;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Builds a term's live Redis state from MySQL, the system of record, when the state is missing
 * (fresh or flushed Redis, deleted keys), and makes sure the term's persister runs. Within an
 * instance, concurrent callers share one load; across instances a Redis lock lets one rebuild
 * while the others wait for the term's "ready" flag, which is cleared first and set last, and
 * only while the rebuild still holds the lock.
 */
public final class TermLoader {

  private static final Logger log = LoggerFactory.getLogger(TermLoader.class);
  private static final long LOCK_MS = 60_000;
  private static final long WAIT_MS = 30_000;
  private static final int CHUNK = 500;
  private static final int SLICE = 1_000;
  private static final String HASH_TABLE_FIELD = "~hash-table";
  private static final RedisScript RELEASE = RedisScript.fromResources("lua/delete_if_equals.lua");
  /** HOLD events (lua/lib.lua hold_seat) whose release time has not come: seats still held back. */
  private static final String HELD_BACK = "SELECT section_id, at FROM selection_events"
    + " WHERE term_id = ? AND type = 'HOLD' AND at > UTC_TIMESTAMP(3)";
  private static final RedisScript MARK_READY = RedisScript.fromResources("lua/term_ready.lua");
  private static final RedisScript MARK_STALE = RedisScript.fromResources("lua/term_stale.lua");
  /** How long a freshness check waits for MySQL before it falls back on the marks this instance knows. */
  private static final long MYSQL_CHECK_MS = 2_000;
  private static final String STORED_MARK = "SELECT t.live_generation,"
    + " (SELECT MAX(event_id) FROM selection_events e WHERE e.term_id = t.id) AS last_event FROM terms t WHERE t.id = ?";

  private final Vertx vertx;
  private final Redis redis;
  /** Whether redis is a Redis Cluster (finding a term's keys differs). */
  private final boolean redisCluster;
  private final RedisAPI api;
  private final Pool mysql;
  private final Catalog catalog;
  private final AuthService auth;
  private final PersistedMarks marks;
  /** The terms this instance has loaded: checked again after a reconnect to Redis. */
  private final Set<Long> loaded = ConcurrentHashMap.newKeySet();
  private final Map<Long, Future<Void>> loading = new ConcurrentHashMap<>();

  public TermLoader(Vertx vertx, Redis redis, boolean redisCluster, Pool mysql, Catalog catalog, AuthService auth,
                    PersistedMarks marks) {
    this.marks = marks;
    this.vertx = vertx;
    this.redisCluster = redisCluster;
    this.redis = redis;
    this.api = RedisAPI.api(redis);
    this.mysql = mysql;
    this.catalog = catalog;
    this.auth = auth;
  }

  public Future<Void> ensureLoaded(long termId) {
    Future<Void> inFlight = loading.get(termId);
    if (inFlight != null) return inFlight;
    TermKeys keys = new TermKeys(termId);
    Future<Void> load = Persisters.ensureRunning(vertx, termId)
      .compose(v -> isCurrent(keys))
      .compose(current -> current ? Future.succeededFuture() : lockAndRebuild(keys))
      .onSuccess(v -> loaded.add(termId));
    loading.put(termId, load);
    load.onComplete(done -> loading.remove(termId));
    return load;
  }

  private Future<Void> lockAndRebuild(TermKeys keys) {
    String token = UUID.randomUUID().toString();
    return api.set(List.of(keys.rebuildLock(), token, "NX", "PX", Long.toString(LOCK_MS))).compose(locked -> {
      if (locked == null) return awaitReady(keys);
      // Another instance may have finished a rebuild between our check and our lock.
      return isReady(keys)
        .compose(ready -> ready ? Future.<Void>succeededFuture() : rebuild(keys, token))
        .eventually(() -> RELEASE.run(api, List.of(keys.rebuildLock()), token));
    });
  }

  /**
   * Checks every term this instance has loaded against MySQL (after a reconnect to Redis: the
   * Redis may have restarted on older data, or be a replica promoted before it had everything).
   * A term found behind stops taking selections; the next request rebuilds it.
   */
  public Future<Void> checkLoadedTerms() {
    return Future.all(loaded.stream().map(termId -> isCurrent(new TermKeys(termId))).toList()).mapEmpty();
  }

  /**
   * Whether the term's live state is ready and not older than MySQL: its generation is MySQL's and
   * its stream has produced every event MySQL holds. A Redis restarted from an older log or
   * snapshot, or a replica promoted before it had everything, fails this; the term is then taken out
   * of service (TERM_NOT_READY) until rebuilt, so no seat MySQL already gave away is sold again.
   */
  private Future<Boolean> isCurrent(TermKeys keys) {
    Future<PersistedMarks.Mark> stored = storedMark(keys.termId());
    Future<Response> term = api.hmget(List.of(keys.term(), "ready", "gen"));
    Future<String> streamLast = api.exists(List.of(keys.events()))
      .compose(exists -> exists.toInteger() == 0 ? Future.succeededFuture("0-0")
        : api.xinfo(List.of("STREAM", keys.events())).map(info -> Replies.hash(info).get("last-generated-id")));
    return Future.all(stored, term, streamLast).compose(all -> {
      if (!isReadyFlag(term.result().get(0))) return Future.succeededFuture(false);
      String gen = term.result().get(1) == null ? "0" : term.result().get(1).toString();
      String lastEvent = Persister.sortableId(streamLast.result());
      PersistedMarks.Mark mysqlHas = stored.result();
      if (Long.parseLong(gen) >= mysqlHas.generation() && lastEvent.compareTo(mysqlHas.lastEvent()) >= 0) {
        return Future.succeededFuture(true);
      }
      log.warn("term {}: Redis's live state (generation {}, last event {}) is older than MySQL's (generation {},"
        + " last event {}): no selections until it is rebuilt", keys.termId(), gen, lastEvent,
        mysqlHas.generation(), mysqlHas.lastEvent());
      return MARK_STALE.run(api, List.of(keys.term()), gen).map(false);
    });
  }

  /** What MySQL holds of the term, or what this instance last knew of it while MySQL does not answer. */
  private Future<PersistedMarks.Mark> storedMark(long termId) {
    return mysql.preparedQuery(STORED_MARK).execute(Tuple.of(termId))
      .timeout(MYSQL_CHECK_MS, TimeUnit.MILLISECONDS)
      .map(rows -> {
        Row row = rows.iterator().next();
        String last = row.getString("last_event");
        return marks.advance(termId, new PersistedMarks.Mark(row.getLong("live_generation"), last == null ? "" : last));
      })
      .otherwise(failure -> {
        log.warn("term {}: MySQL does not answer ({}); checking Redis against what this instance last saw",
          termId, failure.toString());
        return marks.get(termId);
      });
  }

  private Future<Boolean> isReady(TermKeys keys) {
    return api.hget(keys.term(), "ready").map(TermLoader::isReadyFlag);
  }

  /** Ready, and in this build's layout: a state an older build wrote is rebuilt (see lib.lua's META_LAYOUT). */
  private static boolean isReadyFlag(Response ready) {
    return ready != null && SectionMeta.LAYOUT.equals(ready.toString());
  }

  private Future<Void> awaitReady(TermKeys keys) {
    return Poll.until(vertx, () -> isReady(keys), 100, WAIT_MS, "term " + keys.termId() + " is rebuilt");
  }

  private Future<Void> rebuild(TermKeys keys, String token) {
    long termId = keys.termId();
    long started = System.currentTimeMillis();
    log.info("term {}: building live state from MySQL", termId);
    return api.hdel(List.of(keys.term(), "ready"))
      .compose(v -> Persister.awaitDrained(vertx, api, keys, WAIT_MS))
      .compose(v -> catalog.reload())
      .compose(v -> deleteStateKeys(keys))
      .compose(v -> Persister.ensureGroup(api, keys))
      .compose(v -> continueEventIds(keys))
      .compose(v -> {
        Catalog.Term term = catalog.term(termId).orElseThrow(() -> new IllegalStateException("no term " + termId));
        Future<JsonObject> cohort = auth.cohort(termId);
        return Future.all(readState(termId), cohort)
          .compose(all -> {
            StoredState state = all.resultAt(0);
            return writeInSlices(requests(keys, term, state, cohort.result()), 0)
              .compose(written -> markReady(keys, term, state, token));
          });
      })
      .onSuccess(v -> log.info("term {}: live state built in {} ms", termId, System.currentTimeMillis() - started));
  }

  /**
   * Sends the rebuild's commands a slice at a time: one connection lets at most 2,048 replies wait
   * (RedisOptions' maxWaitingHandlers), and a term of many enrollments needs far more commands.
   */
  private Future<Void> writeInSlices(List<Request> requests, int from) {
    if (from >= requests.size()) return Future.succeededFuture();
    int to = Math.min(from + SLICE, requests.size());
    return redis.batch(requests.subList(from, to)).compose(written -> writeInSlices(requests, to));
  }

  /**
   * Deletes every key of the term but its event stream (with the persister's group), the lock
   * and the sessions, which are not derived from MySQL.
   */
  private Future<Void> deleteStateKeys(TermKeys keys) {
    return HashTagKeys.find(redis, redisCluster, keys.prefix()).compose(found -> {
      found.remove(keys.events());
      found.remove(keys.rebuildLock());
      found.remove(keys.sessions());
      return found.isEmpty() ? Future.succeededFuture() : api.del(found).mapEmpty();
    });
  }

  private List<Request> requests(TermKeys keys, Catalog.Term term, StoredState state, JsonObject cohort) {
    List<Request> out = new ArrayList<>();
    List<Catalog.Section> sections = catalog.sectionsOf(term.id());
    // Seats held back after drops in an add/drop round are not free until their time.
    Map<Long, Integer> taken = new HashMap<>(state.heldBack());
    Map<String, List<String>> holds = new HashMap<>();
    for (Row row : state.enrolled()) {
      long section = row.getLong("section_id");
      String student = row.getString("student_id");
      taken.merge(section, 1, Integer::sum);
      holds.computeIfAbsent(student, s -> new ArrayList<>()).add(Long.toString(section));
      out.add(Request.cmd(Command.SADD).arg(keys.roster(section)).arg(student));
    }
    Map<String, List<String>> waits = new HashMap<>();
    Map<Long, Integer> waitlistLengths = new HashMap<>();
    for (Row row : state.waiting()) {
      long section = row.getLong("section_id");
      String student = row.getString("student_id");
      waits.computeIfAbsent(student, s -> new ArrayList<>()).add(Long.toString(section));
      waitlistLengths.merge(section, 1, Integer::sum);
      out.add(Request.cmd(Command.ZADD).arg(keys.waitlist(section)).arg(row.getLong("seq")).arg(student));
    }
    Map<String, String> meta = new HashMap<>();
    Map<String, String> seats = new HashMap<>();
    Map<String, String> lengths = new HashMap<>();
    for (Catalog.Section s : sections) {
      meta.put(Long.toString(s.id()), s.meta().encode());
      seats.put(Long.toString(s.id()), Integer.toString(s.capacity() - taken.getOrDefault(s.id(), 0)));
      lengths.put(Long.toString(s.id()), Integer.toString(waitlistLengths.getOrDefault(s.id(), 0)));
    }
    Map<String, String> cohortFlags = new HashMap<>();
    cohort.forEach(e -> cohortFlags.put(e.getKey(), Boolean.TRUE.equals(e.getValue()) ? "1" : "0"));
    hset(out, keys.sections(), meta);
    hset(out, keys.seats(), seats);
    hset(out, keys.waitlistLengths(), lengths);
    for (String perSection : List.of(keys.sections(), keys.seats(), keys.waitlistLengths())) hashTable(out, perSection);
    hset(out, keys.holds(), joined(holds));
    hset(out, keys.waits(), joined(waits));
    hset(out, keys.cohort(), cohortFlags);
    out.add(Request.cmd(Command.SET).arg(keys.waitlistSeq()).arg(state.lastSeq()));
    return out;
  }

  /** What MySQL holds of a term's selections, read at one new generation of its live state. */
  private record StoredState(long generation, RowSet<Row> enrolled, RowSet<Row> waiting, long lastSeq,
                             String rounds, Map<Long, String> releases, Map<Long, Integer> heldBack) {
  }

  /**
   * Reads the term's selections in the transaction that starts a new generation. The row lock on
   * the term orders this against the persister's batches (which take it shared): a batch commits
   * before this read, and is in it, or after, and sees the new generation and leaves out events
   * of the replaced state.
   */
  private Future<StoredState> readState(long termId) {
    Tuple term = Tuple.of(termId);
    return mysql.withTransaction(conn -> conn.preparedQuery("SELECT live_generation FROM terms WHERE id = ? FOR UPDATE")
      .execute(term)
      .compose(locked -> {
        long generation = locked.iterator().next().getLong("live_generation") + 1;
        return conn.preparedQuery("UPDATE terms SET live_generation = ? WHERE id = ?").execute(Tuple.of(generation, termId))
          .compose(updated -> conn.preparedQuery("SELECT student_id, section_id FROM enrollments"
            + " WHERE term_id = ? AND state = 'ENROLLED' ORDER BY last_event").execute(term))
          .compose(enrolled -> conn.preparedQuery("SELECT student_id, section_id, seq FROM waitlist_entries"
            + " WHERE term_id = ? AND state = 'WAITING' ORDER BY seq").execute(term)
            .compose(waiting -> conn.preparedQuery("SELECT COALESCE(MAX(seq), 0) AS seq FROM waitlist_entries"
              + " WHERE term_id = ?").execute(term)
              .compose(last -> Rounds.windows(conn, termId).compose(rounds -> conn.preparedQuery(HELD_BACK).execute(term)
                .map(held -> {
                  Map<Long, String> releases = new HashMap<>();
                  Map<Long, Integer> heldBack = new HashMap<>();
                  for (Row row : held) {
                    long section = row.getLong("section_id");
                    String at = Long.toString(Times.fromUtc(row.getLocalDateTime("at")).toEpochMilli());
                    releases.merge(section, at, (a, b) -> a + "," + b);
                    heldBack.merge(section, 1, Integer::sum);
                  }
                  return new StoredState(generation, enrolled, waiting, last.iterator().next().getLong("seq"), rounds,
                    releases, heldBack);
                })))));
      }));
  }

  /** Writes the term's settings, generation and ready flag, once everything else is in place. */
  private Future<Void> markReady(TermKeys keys, Catalog.Term term, StoredState state, String token) {
    List<String> fields = new ArrayList<>(List.of(token,
        "gen", Long.toString(state.generation()),
        "opens", Long.toString(term.opensAt().toEpochMilli()),
        "closes", Long.toString(term.closesAt().toEpochMilli()),
        "dropCloses", Long.toString(term.dropClosesAt().toEpochMilli()),
        "max", Integer.toString(term.maxSectionsPerStudent()),
        "profileRequired", term.profileRequired() ? "1" : "0"));
    if (!state.rounds().isEmpty()) fields.addAll(List.of("rounds", state.rounds()));
    state.releases().forEach((section, at) -> fields.addAll(List.of("release:" + section, at)));
    fields.addAll(List.of("ready", SectionMeta.LAYOUT));
    return MARK_READY.run(api, List.of(keys.term(), keys.rebuildLock()), fields.toArray(String[]::new))
      .compose(marked -> marked.toInteger() == 1 ? Future.succeededFuture()
        : Future.failedFuture("term " + term.id() + ": the rebuild lost its lock; another instance rebuilds"));
  }

  /**
   * The stream's ids continue after the newest event MySQL has (a stream created afresh after a
   * flush, or one of an older Redis), so the persister's newest-event-wins rule keeps holding even
   * if this Redis's clock is behind. Called once the stream is drained.
   */
  private Future<Void> continueEventIds(TermKeys keys) {
    return api.xinfo(List.of("STREAM", keys.events())).compose(info -> {
      String streamLast = Persister.sortableId(Replies.hash(info).get("last-generated-id"));
      return mysql.preparedQuery("SELECT MAX(event_id) AS last FROM selection_events WHERE term_id = ?")
        .execute(Tuple.of(keys.termId()))
        .compose(rows -> {
          String last = rows.iterator().next().getString("last");
          if (last == null || last.compareTo(streamLast) <= 0) return Future.<Void>succeededFuture();
          String[] parts = last.split("-");
          return api.xsetid(List.of(keys.events(), Long.parseLong(parts[0]) + "-" + Long.parseLong(parts[1]))).mapEmpty();
        });
    });
  }

  private static Map<String, String> joined(Map<String, List<String>> lists) {
    Map<String, String> out = new HashMap<>();
    lists.forEach((k, v) -> out.put(k, String.join(",", v)));
    return out;
  }

  /**
   * Redis stores a hash of up to hash-max-listpack-entries fields (512 on Debian) as a flat list
   * that every HGET scans; the per-section hashes are read by every selection, and the scan cost
   * 3 µs of a 19 µs script with 500 sections. One field longer than hash-max-listpack-value turns
   * the hash into a hash table, which Redis never turns back, so it is written and removed again.
   */
  private static void hashTable(List<Request> out, String key) {
    out.add(Request.cmd(Command.HSET).arg(key).arg(HASH_TABLE_FIELD).arg("x".repeat(1024)));
    out.add(Request.cmd(Command.HDEL).arg(key).arg(HASH_TABLE_FIELD));
  }

  private static void hset(List<Request> out, String key, Map<String, String> fields) {
    Request request = null;
    int n = 0;
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (n % CHUNK == 0) {
        request = Request.cmd(Command.HSET).arg(key);
        out.add(request);
      }
      request.arg(e.getKey()).arg(e.getValue());
      n++;
    }
  }
}
