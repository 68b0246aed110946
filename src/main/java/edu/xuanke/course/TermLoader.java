package edu.xuanke.course;

import edu.xuanke.auth.AuthService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.UUID;

/**
 * Builds a term's live Redis state from MySQL, the system of record, when the state is missing
 * (fresh or flushed Redis, deleted keys). A lock in Redis makes sure only one instance
 * rebuilds; the others wait for the term's "ready" flag, which is written last.
 */
public final class TermLoader {

  private static final Logger log = LoggerFactory.getLogger(TermLoader.class);
  private static final long LOCK_MS = 60_000;
  private static final long WAIT_MS = 30_000;
  private static final int CHUNK = 500;

  private final Vertx vertx;
  private final Redis redis;
  private final RedisAPI api;
  private final Pool mysql;
  private final Catalog catalog;
  private final AuthService auth;

  public TermLoader(Vertx vertx, Redis redis, Pool mysql, Catalog catalog, AuthService auth) {
    this.vertx = vertx;
    this.redis = redis;
    this.api = RedisAPI.api(redis);
    this.mysql = mysql;
    this.catalog = catalog;
    this.auth = auth;
  }

  public Future<Void> ensureLoaded(long termId) {
    TermKeys keys = new TermKeys(termId);
    return isReady(keys).compose(ready -> {
      if (ready) return Future.succeededFuture();
      String token = UUID.randomUUID().toString();
      return api.set(List.of(keys.rebuildLock(), token, "NX", "PX", Long.toString(LOCK_MS))).compose(locked ->
        locked == null ? awaitReady(keys) : rebuild(keys).eventually(() -> releaseLock(keys, token)));
    });
  }

  private Future<Boolean> isReady(TermKeys keys) {
    return api.hget(keys.term(), "ready").map(r -> r != null);
  }

  private Future<Void> awaitReady(TermKeys keys) {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    Promise<Void> ready = Promise.promise();
    pollReady(keys, deadline, ready);
    return ready.future();
  }

  private void pollReady(TermKeys keys, long deadline, Promise<Void> ready) {
    isReady(keys).onComplete(ar -> {
      if (ar.succeeded() && ar.result()) ready.complete();
      else if (System.currentTimeMillis() > deadline) ready.fail("term " + keys.termId() + " was not rebuilt in time");
      else vertx.setTimer(100, t -> pollReady(keys, deadline, ready));
    });
  }

  private Future<Void> releaseLock(TermKeys keys, String token) {
    return api.get(keys.rebuildLock()).compose(holder -> holder != null && token.equals(holder.toString())
      ? api.del(List.of(keys.rebuildLock())).mapEmpty() : Future.succeededFuture());
  }

  private Future<Void> rebuild(TermKeys keys) {
    long termId = keys.termId();
    long started = System.currentTimeMillis();
    log.info("term {}: building live state from MySQL", termId);
    return Persister.awaitDrained(vertx, api, keys, WAIT_MS)
      .compose(v -> catalog.reload())
      .compose(v -> deleteStateKeys(keys))
      .compose(v -> Persister.ensureGroup(api, keys))
      .compose(v -> {
        Catalog.Term term = catalog.term(termId).orElseThrow(() -> new IllegalStateException("no term " + termId));
        Future<RowSet<Row>> enrolled = mysql.preparedQuery(
            "SELECT student_id, section_id FROM enrollments WHERE term_id = ? AND state = 'ENROLLED' ORDER BY last_event")
          .execute(Tuple.of(termId));
        Future<RowSet<Row>> waiting = mysql.preparedQuery(
            "SELECT student_id, section_id, seq FROM waitlist_entries WHERE term_id = ? AND state = 'WAITING' ORDER BY seq")
          .execute(Tuple.of(termId));
        Future<RowSet<Row>> lastSeq = mysql.preparedQuery(
            "SELECT COALESCE(MAX(seq), 0) AS seq FROM waitlist_entries WHERE term_id = ?")
          .execute(Tuple.of(termId));
        Future<JsonObject> cohort = auth.cohort(termId);
        return Future.all(enrolled, waiting, lastSeq, cohort).compose(all -> redis.batch(
          requests(keys, term, enrolled.result(), waiting.result(),
            lastSeq.result().iterator().next().getLong("seq"), cohort.result())));
      })
      .<Void>mapEmpty()
      .onSuccess(v -> log.info("term {}: live state built in {} ms", termId, System.currentTimeMillis() - started));
  }

  /** Deletes every key of the term but its event stream (with the persister's group) and the lock. */
  private Future<Void> deleteStateKeys(TermKeys keys) {
    return scan(keys, "0", new ArrayList<>()).compose(found -> {
      found.remove(keys.events());
      found.remove(keys.rebuildLock());
      return found.isEmpty() ? Future.succeededFuture() : api.del(found).mapEmpty();
    });
  }

  private Future<List<String>> scan(TermKeys keys, String cursor, List<String> found) {
    return api.scan(List.of(cursor, "MATCH", keys.pattern(), "COUNT", "1000")).compose(page -> {
      for (Response key : page.get(1)) found.add(key.toString());
      String next = page.get(0).toString();
      return "0".equals(next) ? Future.succeededFuture(found) : scan(keys, next, found);
    });
  }

  private List<Request> requests(TermKeys keys, Catalog.Term term, RowSet<Row> enrolled, RowSet<Row> waiting,
                                 long lastSeq, JsonObject cohort) {
    List<Request> out = new ArrayList<>();
    List<Catalog.Section> sections = catalog.sectionsOf(term.id());
    Map<Long, Integer> taken = new HashMap<>();
    Map<String, List<String>> holds = new HashMap<>();
    for (Row row : enrolled) {
      long section = row.getLong("section_id");
      String student = row.getString("student_id");
      taken.merge(section, 1, Integer::sum);
      holds.computeIfAbsent(student, s -> new ArrayList<>()).add(Long.toString(section));
      out.add(Request.cmd(Command.SADD).arg(keys.roster(section)).arg(student));
    }
    Map<String, List<String>> waits = new HashMap<>();
    Map<Long, Integer> waitlistLengths = new HashMap<>();
    for (Row row : waiting) {
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
      meta.put(Long.toString(s.id()), s.redisMeta());
      seats.put(Long.toString(s.id()), Integer.toString(s.capacity() - taken.getOrDefault(s.id(), 0)));
      lengths.put(Long.toString(s.id()), Integer.toString(waitlistLengths.getOrDefault(s.id(), 0)));
    }
    Map<String, String> cohortFlags = new HashMap<>();
    cohort.forEach(e -> cohortFlags.put(e.getKey(), Boolean.TRUE.equals(e.getValue()) ? "1" : "0"));
    hset(out, keys.sections(), meta);
    hset(out, keys.seats(), seats);
    hset(out, keys.waitlistLengths(), lengths);
    hset(out, keys.holds(), joined(holds));
    hset(out, keys.waits(), joined(waits));
    hset(out, keys.cohort(), cohortFlags);
    out.add(Request.cmd(Command.SET).arg(keys.waitlistSeq()).arg(lastSeq));
    out.add(Request.cmd(Command.HSET).arg(keys.term())
      .arg("opens").arg(term.opensAt().toEpochMilli())
      .arg("closes").arg(term.closesAt().toEpochMilli())
      .arg("dropCloses").arg(term.dropClosesAt().toEpochMilli())
      .arg("max").arg(term.maxSectionsPerStudent())
      .arg("profileRequired").arg(term.profileRequired() ? "1" : "0")
      .arg("ready").arg("1"));
    return out;
  }

  private static Map<String, String> joined(Map<String, List<String>> lists) {
    Map<String, String> out = new HashMap<>();
    lists.forEach((k, v) -> out.put(k, String.join(",", v)));
    return out;
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
