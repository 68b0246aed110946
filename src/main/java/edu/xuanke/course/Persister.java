package edu.xuanke.course;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Write-behind of one term: reads the term's event stream with a consumer group, writes each
 * batch to MySQL in one transaction, then acknowledges and deletes the entries. A batch is
 * written idempotently (event ids are unique, rows keep the newest event that set them), so a
 * batch written twice after a crash changes nothing. On start the consumer first finishes its
 * own pending entries and claims those another consumer left idle.
 */
public final class Persister {

  private static final Logger log = LoggerFactory.getLogger(Persister.class);
  static final String GROUP = "persister";
  private static final long RETRY_MS = 1000;
  private static final long CLAIM_IDLE_MS = 60_000;

  private static final String INSERT_EVENT =
    "INSERT IGNORE INTO selection_events (event_id, term_id, type, student_id, section_id, at) VALUES (?, ?, ?, ?, ?, ?)";
  private static final String UPSERT_ENROLLMENT =
    "INSERT INTO enrollments (student_id, section_id, term_id, state, enrolled_at, last_event) VALUES (?, ?, ?, ?, ?, ?)"
      + " ON DUPLICATE KEY UPDATE"
      + " enrolled_at = IF(VALUES(last_event) > last_event AND VALUES(state) = 'ENROLLED', VALUES(enrolled_at), enrolled_at),"
      + " state = IF(VALUES(last_event) > last_event, VALUES(state), state),"
      + " last_event = GREATEST(last_event, VALUES(last_event))";
  private static final String UPSERT_WAITLIST =
    "INSERT INTO waitlist_entries (student_id, section_id, term_id, state, seq, joined_at, last_event) VALUES (?, ?, ?, ?, ?, ?, ?)"
      + " ON DUPLICATE KEY UPDATE"
      + " seq = IF(VALUES(last_event) > last_event AND VALUES(state) = 'WAITING', VALUES(seq), seq),"
      + " joined_at = IF(VALUES(last_event) > last_event AND VALUES(state) = 'WAITING', VALUES(joined_at), joined_at),"
      + " state = IF(VALUES(last_event) > last_event, VALUES(state), state),"
      + " last_event = GREATEST(last_event, VALUES(last_event))";

  private final Vertx vertx;
  private final Redis redis;
  private final Pool mysql;
  private final TermKeys keys;
  private final String consumer;
  private final int batchSize;

  private RedisConnection connection;
  private volatile boolean running;
  private final Promise<Void> stopped = Promise.promise();

  public Persister(Vertx vertx, Redis redis, Pool mysql, TermKeys keys, String consumer, int batchSize) {
    this.vertx = vertx;
    this.redis = redis;
    this.mysql = mysql;
    this.keys = keys;
    this.consumer = consumer;
    this.batchSize = batchSize;
  }

  public TermKeys keys() {
    return keys;
  }

  public Future<Void> start() {
    running = true;
    return connection()
      .compose(api -> api.xautoclaim(List.of(keys.events(), GROUP, consumer, Long.toString(CLAIM_IDLE_MS), "0-0",
        "COUNT", "10000")))
      .<Void>mapEmpty()
      .onComplete(claimed -> vertx.runOnContext(v -> loop(true)));
  }

  /** Finishes the batch in hand and stops reading. */
  public Future<Void> stop() {
    running = false;
    return stopped.future().eventually(() -> connection == null ? Future.succeededFuture() : connection.close());
  }

  private void loop(boolean pending) {
    if (!running) {
      stopped.tryComplete();
      return;
    }
    readBatch(pending)
      .compose(entries -> write(entries).compose(v -> acknowledge(entries)).map(entries.size()))
      .onSuccess(count -> vertx.runOnContext(v -> loop(pending && count > 0)))
      .onFailure(failure -> {
        log.warn("term {}: persisting failed, retrying in {} ms: {}", keys.termId(), RETRY_MS, failure.getMessage());
        if (connection != null) connection.close();
        connection = null;
        vertx.setTimer(RETRY_MS, t -> loop(true));
      });
  }

  private Future<RedisAPI> connection() {
    if (connection != null) return Future.succeededFuture(RedisAPI.api(connection));
    return redis.connect().compose(conn -> {
      connection = conn;
      RedisAPI api = RedisAPI.api(conn);
      return ensureGroup(api, keys).map(api);
    });
  }

  /** Creates the term's stream and consumer group unless they exist; a new group reads from the start. */
  public static Future<Void> ensureGroup(RedisAPI api, TermKeys keys) {
    return api.xgroup(List.of("CREATE", keys.events(), GROUP, "0", "MKSTREAM"))
      .<Void>mapEmpty()
      .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("BUSYGROUP")
        ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  /** Own pending entries when {@code pending}, else new ones, waiting up to a second for them. */
  private Future<List<Event>> readBatch(boolean pending) {
    List<String> args = new ArrayList<>(List.of("GROUP", GROUP, consumer, "COUNT", Integer.toString(batchSize)));
    if (!pending) args.addAll(List.of("BLOCK", "1000"));
    args.addAll(List.of("STREAMS", keys.events(), pending ? "0" : ">"));
    return connection().compose(api -> api.xreadgroup(args)).map(this::parse);
  }

  private List<Event> parse(Response reply) {
    List<Event> events = new ArrayList<>();
    if (reply == null) return events;
    for (Response stream : reply) {
      for (Response entry : stream.get(1)) {
        Response fields = entry.get(1);
        if (fields == null) continue; // deleted while pending: already persisted
        Event event = new Event(entry.get(0).toString());
        for (int i = 0; i + 1 < fields.size(); i += 2) {
          event.set(fields.get(i).toString(), fields.get(i + 1).toString());
        }
        events.add(event);
      }
    }
    return events;
  }

  private Future<Void> write(List<Event> events) {
    if (events.isEmpty()) return Future.succeededFuture();
    List<Tuple> eventRows = new ArrayList<>();
    List<Tuple> enrollmentRows = new ArrayList<>();
    List<Tuple> waitlistRows = new ArrayList<>();
    for (Event e : events) {
      String id = e.sortableId();
      LocalDateTime at = LocalDateTime.ofInstant(Instant.ofEpochMilli(e.at), ZoneOffset.UTC);
      eventRows.add(Tuple.of(id, keys.termId(), e.type, e.student, e.section, at));
      switch (e.type) {
        case "ENROLL" -> enrollmentRows.add(Tuple.of(e.student, e.section, keys.termId(), "ENROLLED", at, id));
        case "DROP" -> enrollmentRows.add(Tuple.of(e.student, e.section, keys.termId(), "DROPPED", at, id));
        case "PROMOTE" -> {
          enrollmentRows.add(Tuple.of(e.student, e.section, keys.termId(), "ENROLLED", at, id));
          waitlistRows.add(Tuple.of(e.student, e.section, keys.termId(), "PROMOTED", e.seq, at, id));
        }
        case "WAITLIST" -> waitlistRows.add(Tuple.of(e.student, e.section, keys.termId(), "WAITING", e.seq, at, id));
        case "UNWAITLIST" -> waitlistRows.add(Tuple.of(e.student, e.section, keys.termId(), "LEFT", e.seq, at, id));
        case "SKIP" -> waitlistRows.add(Tuple.of(e.student, e.section, keys.termId(), "SKIPPED", e.seq, at, id));
        default -> log.error("term {}: unknown event type {} in {}", keys.termId(), e.type, e.id);
      }
    }
    return mysql.withTransaction(conn -> conn.preparedQuery(INSERT_EVENT).executeBatch(eventRows)
      .compose(r -> enrollmentRows.isEmpty() ? Future.succeededFuture()
        : conn.preparedQuery(UPSERT_ENROLLMENT).executeBatch(enrollmentRows))
      .compose(r -> waitlistRows.isEmpty() ? Future.succeededFuture()
        : conn.preparedQuery(UPSERT_WAITLIST).executeBatch(waitlistRows))
      .mapEmpty());
  }

  private Future<Void> acknowledge(List<Event> events) {
    if (events.isEmpty()) return Future.succeededFuture();
    List<String> ack = new ArrayList<>(List.of(keys.events(), GROUP));
    List<String> del = new ArrayList<>(List.of(keys.events()));
    for (Event e : events) {
      ack.add(e.id);
      del.add(e.id);
    }
    return connection().compose(api -> api.xack(ack).compose(r -> api.xdel(del))).mapEmpty();
  }

  /** Completes once every event of the term so far is in MySQL (the stream is empty). */
  public static Future<Void> awaitDrained(Vertx vertx, RedisAPI redis, TermKeys keys, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Promise<Void> drained = Promise.promise();
    pollDrained(vertx, redis, keys, deadline, drained);
    return drained.future();
  }

  private static void pollDrained(Vertx vertx, RedisAPI redis, TermKeys keys, long deadline, Promise<Void> drained) {
    redis.xlen(keys.events()).onComplete(ar -> {
      if (ar.succeeded() && ar.result().toLong() == 0) {
        drained.complete();
      } else if (System.currentTimeMillis() > deadline) {
        drained.fail("term " + keys.termId() + ": the persister did not drain in time");
      } else {
        vertx.setTimer(50, t -> pollDrained(vertx, redis, keys, deadline, drained));
      }
    });
  }

  /** One stream entry; the fields are those lua/lib.lua's emit() writes. */
  private static final class Event {
    final String id;
    String type;
    String student;
    long section;
    long at;
    long seq;

    Event(String id) {
      this.id = id;
    }

    void set(String field, String value) {
      switch (field) {
        case "type" -> type = value;
        case "student" -> student = value;
        case "section" -> section = Long.parseLong(value);
        case "at" -> at = Long.parseLong(value);
        case "seq" -> seq = Long.parseLong(value);
        default -> { }
      }
    }

    /** The stream id zero-padded so that comparing strings compares stream order. */
    String sortableId() {
      int dash = id.indexOf('-');
      return String.format("%013d-%010d", Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)));
    }
  }
}
