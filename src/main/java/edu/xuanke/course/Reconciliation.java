package edu.xuanke.course;

import edu.xuanke.core.Replies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * For the admin: how a term's live state compares with MySQL (the invariant audit plus every
 * waitlist in order), and the live figures of its stream and refusals.
 */
public final class Reconciliation {

  private final Vertx vertx;
  private final RedisAPI redis;
  private final Pool mysql;

  public Reconciliation(Vertx vertx, RedisAPI redis, Pool mysql) {
    this.vertx = vertx;
    this.redis = redis;
    this.mysql = mysql;
  }

  /** Waits until the persister has written every event of the term up to now. */
  public Future<Void> drained(long termId, long timeoutMs) {
    return Persister.awaitPersistedSoFar(vertx, redis, new TermKeys(termId), timeoutMs);
  }

  /** One line per difference between Redis and MySQL; empty when consistent. Call once drained. */
  public Future<JsonArray> differences(long termId) {
    Catalog snapshot = new Catalog(mysql);
    return snapshot.reload()
      .compose(loaded -> Future.all(new Audit(redis, mysql, snapshot).run(termId), waitlistDifferences(snapshot, termId)))
      .map(both -> {
        JsonArray out = new JsonArray();
        both.<List<String>>resultAt(0).forEach(out::add);
        both.<List<String>>resultAt(1).forEach(out::add);
        return out;
      });
  }

  /** Each section's waitlist in Redis against the WAITING rows in MySQL, in order. */
  private Future<List<String>> waitlistDifferences(Catalog snapshot, long termId) {
    TermKeys keys = new TermKeys(termId);
    List<Catalog.Section> sections = snapshot.sectionsOf(termId);
    List<Future<Response>> live = new ArrayList<>();
    for (Catalog.Section s : sections) live.add(redis.zrange(List.of(keys.waitlist(s.id()), "0", "-1")));
    Future<Map<Long, List<String>>> stored = mysql.preparedQuery("SELECT section_id, student_id FROM waitlist_entries"
        + " WHERE term_id = ? AND state = 'WAITING' ORDER BY section_id, seq").execute(Tuple.of(termId))
      .map(rows -> {
        Map<Long, List<String>> bySection = new HashMap<>();
        for (Row row : rows) bySection.computeIfAbsent(row.getLong("section_id"), s -> new ArrayList<>()).add(row.getString("student_id"));
        return bySection;
      });
    return Future.all(Future.all(live), stored).map(done -> {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < sections.size(); i++) {
        List<String> inRedis = new ArrayList<>();
        live.get(i).result().forEach(member -> inRedis.add(member.toString()));
        List<String> inMysql = stored.result().getOrDefault(sections.get(i).id(), List.of());
        if (!inRedis.equals(inMysql)) {
          out.add("section " + sections.get(i).id() + ": waitlist in Redis " + inRedis + " != MySQL " + inMysql);
        }
      }
      return out;
    });
  }

  /**
   * {streamLength (not yet persisted), pending (read, not yet acknowledged), changesTotal (every
   * change the stream has taken), refusals: {code: count}}.
   */
  public Future<JsonObject> liveFigures(long termId) {
    TermKeys keys = new TermKeys(termId);
    Future<Map<String, String>> stream = redis.xinfo(List.of("STREAM", keys.events())).map(Replies::hash).otherwise(Map.of());
    Future<Long> pending = redis.xpending(List.of(keys.events(), Persister.GROUP)).map(r -> r.get(0).toLong()).otherwise(0L);
    Future<Map<String, String>> refusals = redis.hgetall(keys.refusals()).map(Replies::hash);
    return Future.all(stream, pending, refusals).map(all -> {
      JsonObject refused = new JsonObject();
      new TreeSet<>(refusals.result().keySet()).forEach(code -> refused.put(code, Long.parseLong(refusals.result().get(code))));
      return new JsonObject()
        .put("streamLength", Long.parseLong(stream.result().getOrDefault("length", "0")))
        .put("pending", pending.result())
        .put("changesTotal", Long.parseLong(stream.result().getOrDefault("entries-added", "0")))
        .put("refusals", refused);
    });
  }
}
