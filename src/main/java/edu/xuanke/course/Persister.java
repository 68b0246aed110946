package edu.xuanke.course;

import edu.xuanke.core.Poll;
import edu.xuanke.core.StreamReader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Write-behind of one term: writes each batch of the term's event stream (read by the node's
 * {@link Persisters} reader) to MySQL before it is acknowledged, in one transaction or, when large,
 * in parallel parts of their own (see {@link #write}). A batch is written idempotently (event ids
 * are unique, rows keep the newest event that set them), so a batch written twice after a crash
 * changes nothing. Events of a live state that a rebuild has since replaced (Redis lost its data
 * while the batch was in hand) are left out, as the rebuilt state does not have them either. After
 * a transaction has committed, each waitlist promotion in it is published on
 * {@link SelectionService#PROMOTED}.
 */
public final class Persister {

  private static final Logger log = LoggerFactory.getLogger(Persister.class);
  public static final String GROUP = "persister";

  /** Shared lock on the term row: a rebuild (which takes it exclusively) and a batch never overlap. */
  private static final String GENERATION = "SELECT live_generation FROM terms WHERE id = ? LOCK IN SHARE MODE";
  /**
   * Rows go in multi-row statements of up to {@value #ROWS_PER_STATEMENT} rows: one round trip per
   * chunk instead of one per row (a batch of 1,000 events took seconds row by row on a busy
   * machine). Chunks are powers of two, largest first (1,000 rows: 512 + 256 + 128 + 64 + 32 + 8),
   * so a batch takes a few statements per table and the prepared-statement cache holds at most
   * ten shapes per statement.
   */
  private static final int ROWS_PER_STATEMENT = 512;
  /**
   * Transactions one batch is written in at once, at most (one per {@value #ROWS_PER_STATEMENT}
   * events). MySQL works on one statement per connection at a time. With one transaction per
   * batch, 4,000 events took about 450 ms at full load here (2 cores), less than the write-heavy
   * phase appends, and the lag grew to seconds. Two for the machine's two cores: more parts would
   * compete for the same cores (and connections).
   */
  private static final int WRITERS = 2;
  private static final String INSERT_EVENT =
    "INSERT IGNORE INTO selection_events (event_id, term_id, type, student_id, section_id, at, actor) VALUES ";
  private static final String EVENT_ROW = "(?, ?, ?, ?, ?, ?, ?)";
  private static final String UPSERT_ENROLLMENT =
    "INSERT INTO enrollments (student_id, section_id, term_id, state, enrolled_at, last_event, actor) VALUES ";
  private static final String ENROLLMENT_ROW = "(?, ?, ?, ?, ?, ?, ?)";
  /** Each column is compared with the row's old last_event, so last_event is set last. */
  private static final String ENROLLMENT_UPDATE = " ON DUPLICATE KEY UPDATE"
      + " enrolled_at = IF(VALUES(last_event) > last_event AND VALUES(state) = 'ENROLLED', VALUES(enrolled_at), enrolled_at),"
      + " state = IF(VALUES(last_event) > last_event, VALUES(state), state),"
      + " actor = IF(VALUES(last_event) > last_event, VALUES(actor), actor),"
      + " last_event = GREATEST(last_event, VALUES(last_event))";
  private static final String UPSERT_WAITLIST =
    "INSERT INTO waitlist_entries (student_id, section_id, term_id, state, seq, joined_at, last_event) VALUES ";
  private static final String WAITLIST_ROW = "(?, ?, ?, ?, ?, ?, ?)";
  private static final String WAITLIST_UPDATE = " ON DUPLICATE KEY UPDATE"
      + " seq = IF(VALUES(last_event) > last_event AND VALUES(state) = 'WAITING', VALUES(seq), seq),"
      + " joined_at = IF(VALUES(last_event) > last_event AND VALUES(state) = 'WAITING', VALUES(joined_at), joined_at),"
      + " state = IF(VALUES(last_event) > last_event, VALUES(state), state),"
      + " last_event = GREATEST(last_event, VALUES(last_event))";

  /** A promotion is announced to this node's notifier only: one mail per event, whatever the node count. */
  private static final DeliveryOptions ONCE_ON_THIS_NODE = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final Pool mysql;
  private final TermKeys keys;
  private final PersistedMarks marks;

  public Persister(Vertx vertx, Pool mysql, TermKeys keys, PersistedMarks marks) {
    this.vertx = vertx;
    this.mysql = mysql;
    this.keys = keys;
    this.marks = marks;
  }

  /** Creates the term's stream and the persister's group unless they exist. */
  public static Future<Void> ensureGroup(RedisAPI api, TermKeys keys) {
    return StreamReader.ensureGroup(api, keys.events(), GROUP);
  }

  /**
   * Opens the connections a large batch is written on ({@value #WRITERS} at once), so the first
   * batch after start — the opening minute's burst — does not also wait for MySQL handshakes.
   * Best effort: with MySQL away the batches open them later.
   */
  public static Future<Void> warmUp(Pool mysql) {
    List<Future<?>> opened = new ArrayList<>();
    List<SqlConnection> held = new ArrayList<>();
    for (int i = 0; i < WRITERS; i++) {
      opened.add(mysql.getConnection().compose(conn -> {
        held.add(conn);
        return conn.query("SELECT 1").execute();
      }));
    }
    return Future.join(opened).<Void>mapEmpty().eventually(() -> {
      held.forEach(SqlConnection::close);
      return Future.succeededFuture();
    }).otherwiseEmpty();
  }

  /**
   * Writes one batch; the reader acknowledges it once this succeeded (PersisterReplayTest replays
   * batches through it). A large batch is split by student into up to {@value #WRITERS} parts, each
   * written in a transaction of its own on its own connection, all at once (see {@link #WRITERS}).
   * A part that fails fails the batch, which is then written again whole: the parts that had
   * committed are written twice, which changes nothing.
   */
  public Future<Void> write(List<StreamReader.Entry> entries) {
    if (entries.isEmpty()) return Future.succeededFuture();
    List<Event> events = entries.stream().map(Event::new).toList();
    int parts = Math.min(WRITERS, (events.size() + ROWS_PER_STATEMENT - 1) / ROWS_PER_STATEMENT);
    if (parts <= 1) return writePart(events);
    List<List<Event>> byStudent = new ArrayList<>();
    for (int i = 0; i < parts; i++) byStudent.add(new ArrayList<>());
    // All of a student's events in one part: the parts' transactions touch disjoint rows, so none waits for another's locks.
    for (Event e : events) byStudent.get(Math.floorMod(e.student.hashCode(), parts)).add(e);
    return Future.join(byStudent.stream().map(this::writePart).toList()).mapEmpty();
  }

  /** Writes events in one transaction, then records their lag, advances the term's mark and announces the promotions. */
  private Future<Void> writePart(List<Event> events) {
    if (events.isEmpty()) return Future.succeededFuture();
    return inTransaction(conn -> conn.preparedQuery(GENERATION).execute(Tuple.of(keys.termId()))
        .compose(locked -> {
          long generation = locked.iterator().next().getLong("live_generation");
          List<Event> current = events.stream().filter(e -> e.gen >= generation).toList();
          if (current.size() < events.size()) {
            log.warn("term {}: {} events of a replaced live state (generation < {}) left out", keys.termId(),
              events.size() - current.size(), generation);
          }
          Rows rows = new Rows(current);
          // Every statement at once: on the persister's pool (Stores.persisterMysql) the connection
          // pipelines them, so the transaction waits for MySQL and the busy event loop about once, not once per chunk.
          List<Future<?>> statements = new ArrayList<>();
          insertAll(conn, INSERT_EVENT, EVENT_ROW, "", rows.events, statements);
          insertAll(conn, UPSERT_ENROLLMENT, ENROLLMENT_ROW, ENROLLMENT_UPDATE, rows.enrollments, statements);
          insertAll(conn, UPSERT_WAITLIST, WAITLIST_ROW, WAITLIST_UPDATE, rows.waitlist, statements);
          return Future.join(statements)
            .map(r -> {
              String newest = current.stream().map(Event::sortableId).max(String::compareTo).orElse("");
              return new Committed(new PersistedMarks.Mark(generation, newest), rows.promotions);
            });
        }))
      .map(committed -> {
        long now = System.currentTimeMillis();
        for (Event e : events) PersistenceLag.record(e.appendedAtMs(), now);
        marks.advance(keys.termId(), committed.mark);
        List<Event> promotions = committed.promotions;
        promotions.forEach(p -> vertx.eventBus().publish(SelectionService.PROMOTED, new JsonObject()
          .put("studentId", p.student).put("sectionId", p.section).put("termId", keys.termId()).put("eventId", p.id),
          ONCE_ON_THIS_NODE));
        return null;
      });
  }

  /**
   * Runs {@code work} in a transaction of its own on a connection of the pool, failing as soon as
   * the connection drops. Not {@code Pool.withTransaction}: vertx-mysql-client 5.0.8 never answers
   * the second and later commands in flight on a dropped connection (MySQLCodec.fail answers only
   * the first), pipelined statements or a ROLLBACK sent just as it drops, and its transaction waits
   * for every statement before it rolls back and hands the connection back; the batch, and the
   * term's persister with it, would wait forever (PersisterCutTest).
   */
  private <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return mysql.getConnection().compose(conn -> {
      Promise<T> outcome = Promise.promise();
      Promise<Void> dropped = Promise.promise();
      conn.closeHandler(closed -> {
        dropped.tryComplete();
        outcome.tryFail(ClosedConnectionException.INSTANCE);
      });
      conn.query("BEGIN").execute()
        .compose(begun -> work.apply(conn))
        .compose(result -> conn.query("COMMIT").execute().map(result))
        .onComplete(done -> {
          if (done.succeeded()) outcome.tryComplete(done.result());
          else outcome.tryFail(done.cause());
        });
      return outcome.future()
        .recover(failure -> nextTurn().compose(v -> dropped.future().isComplete() || failure instanceof ClosedConnectionException
          // MySQL rolls back what a dropped connection left open.
          ? Future.<T>failedFuture(failure)
          : conn.query("ROLLBACK").execute().transform(rolledBack -> Future.<T>failedFuture(failure))))
        .eventually(conn::close);
    });
  }

  /** Completes on the next turn of this event loop: a connection's drop is fully handled by then. */
  private Future<Void> nextTurn() {
    Promise<Void> turn = Promise.promise();
    vertx.runOnContext(v -> turn.complete());
    return turn.future();
  }

  /** Sends {@code rows} as multi-row statements, one per chunk (see {@link #ROWS_PER_STATEMENT}), adding each to {@code sent}. */
  private static void insertAll(SqlConnection conn, String insert, String row, String onDuplicate, List<Tuple> rows,
                                List<Future<?>> sent) {
    for (int from = 0, to; from < rows.size(); from = to) {
      to = from + Integer.highestOneBit(Math.min(ROWS_PER_STATEMENT, rows.size() - from));
      StringBuilder sql = new StringBuilder(insert);
      List<Object> values = new ArrayList<>();
      for (int i = from; i < to; i++) {
        if (i > from) sql.append(", ");
        sql.append(row);
        Tuple tuple = rows.get(i);
        for (int c = 0; c < tuple.size(); c++) values.add(tuple.getValue(c));
      }
      sql.append(onDuplicate);
      sent.add(conn.preparedQuery(sql.toString()).execute(Tuple.wrap(values)));
    }
  }

  private record Committed(PersistedMarks.Mark mark, List<Event> promotions) {
  }

  /** The statements' rows for a batch of events. */
  private final class Rows {
    final List<Tuple> events = new ArrayList<>();
    final List<Tuple> enrollments = new ArrayList<>();
    final List<Tuple> waitlist = new ArrayList<>();
    final List<Event> promotions = new ArrayList<>();

    Rows(List<Event> batch) {
      long term = keys.termId();
      for (Event e : batch) {
        String id = e.sortableId();
        LocalDateTime at = LocalDateTime.ofInstant(Instant.ofEpochMilli(e.at), ZoneOffset.UTC);
        events.add(Tuple.of(id, term, e.type, e.student, e.section, at).addString(e.by));
        switch (e.type) {
          case "ENROLL" -> enrollments.add(Tuple.of(e.student, e.section, term, "ENROLLED", at, id).addString(e.by));
          case "DROP" -> enrollments.add(Tuple.of(e.student, e.section, term, "DROPPED", at, id).addString(e.by));
          case "PROMOTE" -> {
            enrollments.add(Tuple.of(e.student, e.section, term, "ENROLLED", at, id).addString(e.by));
            waitlist.add(Tuple.of(e.student, e.section, term, "PROMOTED", e.seq, at, id));
            promotions.add(e);
          }
          case "WAITLIST" -> waitlist.add(Tuple.of(e.student, e.section, term, "WAITING", e.seq, at, id));
          case "UNWAITLIST" -> waitlist.add(Tuple.of(e.student, e.section, term, "LEFT", e.seq, at, id));
          case "SKIP" -> waitlist.add(Tuple.of(e.student, e.section, term, "SKIPPED", e.seq, at, id));
          // A seat held back after a drop until `at`: the event row is the record (TermLoader reads it back).
          case "HOLD" -> { }
          default -> log.error("term {}: unknown event type {} in {}", term, e.type, e.id);
        }
      }
      // Rows in key order: concurrent consumers then take row locks in the same order and do not
      // deadlock. Order within a batch does not matter otherwise (the newest event wins).
      Comparator<Tuple> byKey = Comparator.<Tuple, String>comparing(t -> t.getString(0)).thenComparing(t -> t.getLong(1));
      enrollments.sort(byKey);
      waitlist.sort(byKey);
    }
  }

  /** A stream id zero-padded, as MySQL stores it, so that comparing strings compares stream order. */
  public static String sortableId(String streamId) {
    int dash = streamId.indexOf('-');
    return String.format("%013d-%010d", Long.parseLong(streamId.substring(0, dash)), Long.parseLong(streamId.substring(dash + 1)));
  }

  /** Completes once the term's stream is empty: every event there will ever be is in MySQL. */
  public static Future<Void> awaitDrained(Vertx vertx, RedisAPI redis, TermKeys keys, long timeoutMs) {
    return Poll.until(vertx, () -> redis.xlen(keys.events()).map(length -> length.toLong() == 0), 50, timeoutMs,
      "term " + keys.termId() + ": the persister drains");
  }

  /**
   * Completes once every event appended before this call is in MySQL. Entries leave the stream
   * when their batch has committed (acknowledged and deleted together), so it waits until none
   * up to the newest id of now is left. Unlike {@link #awaitDrained}, this ends while selections
   * go on, so an export or a reconcile during a round does not wait for a quiet moment.
   */
  public static Future<Void> awaitPersistedSoFar(Vertx vertx, RedisAPI redis, TermKeys keys, long timeoutMs) {
    return redis.xrevrange(List.of(keys.events(), "+", "-", "COUNT", "1")).compose(newest -> {
      if (newest == null || newest.size() == 0) return Future.succeededFuture();
      String upTo = newest.get(0).get(0).toString();
      return Poll.until(vertx, () -> redis.xrange(List.of(keys.events(), "-", upTo, "COUNT", "1"))
          .map(left -> left == null || left.size() == 0), 50, timeoutMs,
        "term " + keys.termId() + ": the persister stores the events so far");
    });
  }

  /** One stream entry; the fields are those lua/lib.lua's emit() writes. */
  private static final class Event {
    final String id;
    final String type;
    final String student;
    final long section;
    final long at;
    final long seq;
    /** The generation of the live state the event changed. */
    final long gen;
    /** The admin who made the change on the student's behalf, or null (the student). */
    final String by;

    Event(StreamReader.Entry entry) {
      this.id = entry.id();
      this.type = entry.fields().get("type");
      this.student = entry.fields().get("student");
      this.section = Long.parseLong(entry.fields().get("section"));
      this.at = Long.parseLong(entry.fields().get("at"));
      this.seq = Long.parseLong(entry.fields().getOrDefault("seq", "0"));
      this.gen = Long.parseLong(entry.fields().getOrDefault("gen", "0"));
      this.by = entry.fields().get("by");
    }

    String sortableId() {
      return Persister.sortableId(id);
    }

    /** Redis's clock when the event was appended (the first part of its stream id). */
    long appendedAtMs() {
      return Long.parseLong(id.substring(0, id.indexOf('-')));
    }
  }
}
