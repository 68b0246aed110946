package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Reads any number of Redis streams as one consumer of one consumer group, with one XREADGROUP
 * naming all of them, on a connection of its own ({@code dedicated}: a client that nothing else
 * uses). Its blocking read therefore never holds a connection of the shared pool, and the
 * connections it needs do not grow with the streams: a node has one reader per group (the
 * persister's over every live term, the mailer's over the outbox), however many terms are live.
 * Everything else (group creation, claims, acknowledgements) is short and goes through the
 * shared pool ({@code pooled}).
 *
 * <p>Per stream: on {@link #add} it claims entries another consumer left idle, then finishes its
 * own pending entries (read with id "0", which Redis answers at once) before new ones (id ">",
 * blocking up to a second when no stream has pending work). A batch is acknowledged and deleted
 * only after its stream's handler succeeded, so after a crash it is handled again: handlers must
 * be idempotent. A stream whose handler fails backs off (0.1 s doubling to 1 s) and re-reads its
 * pending entries; the other streams go on.
 *
 * <p>Redis Cluster refuses a command whose keys lie in different hash slots, and each term's
 * stream shares its term's slot. A reader made with {@code splitReads} (the persister's, on Redis
 * Cluster) therefore reads each stream on its own, without BLOCK, through the shared pool, from the
 * same one loop, which waits {@value #SPLIT_IDLE_MS} ms when every stream was empty: one blocking
 * reader per slot would grow with the terms again. {@link #readArgs} is the one place that builds
 * the command.
 *
 * <p>On a clustered event bus, the entries a departed node's consumer had read but not
 * acknowledged are claimed within seconds: every {@value #DEAD_CHECK_MS} ms the group's consumers
 * are compared with the cluster's members, and the entries of a consumer whose node is gone are
 * claimed with a minimum idle time, so that two survivors claiming at once cannot both get an
 * entry (the first claim resets its idle time). Without a cluster, nothing tells a dead consumer
 * from a slow one, so only entries idle for a minute are taken over.
 */
public final class StreamReader {

  /** One stream entry; {@code fields} null for an entry deleted while it was pending (handled already). */
  public record Entry(String id, Map<String, String> fields) {
  }

  private static final Logger log = LoggerFactory.getLogger(StreamReader.class);
  private static final long BLOCK_MS = 1000;
  private static final long IDLE_MS = 200;
  /** Backoff after a failed batch (MySQL or Redis away): 100 ms doubling up to 1 s, so a store that returns is used within a second. */
  private static final long RETRY_FIRST_MS = 100;
  private static final long RETRY_MAX_MS = 1_000;
  private static final long CLAIM_IDLE_MS = 60_000;
  private static final long CLAIM_EVERY_MS = 30_000;
  private static final long SPLIT_IDLE_MS = 100;
  private static final long DEAD_CHECK_MS = 2_000;
  private static final long DEAD_CLAIM_IDLE_MS = 1_000;
  /**
   * How often the reader reads its own pending entries again, though no read failed: after a Redis
   * failover the promoted replica may lack the acknowledgements of the last batches (an XACK is not
   * waited for), so entries already in MySQL come back pending for this consumer, which would
   * otherwise leave them until the idle claim a minute later.
   */
  private static final long OWN_PENDING_EVERY_MS = 5_000;
  /** Handlers (e.g. MySQL transactions of different terms) in flight at once, and claims. */
  private static final int PARALLEL = 4;
  private static final long STOP_WAIT_MS = 10_000;
  private static final RedisScript ACK = RedisScript.fromResources("lua/stream_ack.lua");

  private final Vertx vertx;
  private final RedisAPI pooled;
  private final Redis dedicated;
  private final String group;
  private final String consumer;
  private final int batchSize;
  private final boolean splitReads;
  /** Insertion-ordered, so every read names the streams in the same order; guarded by itself. */
  private final Map<String, Source> sources = new LinkedHashMap<>();
  private final Map<String, Future<Void>> adding = new ConcurrentHashMap<>();

  private RedisConnection connection;
  private Future<RedisAPI> api;
  /** The dedicated connection's CLIENT ID, to cut its blocking read short when a stream is added or on stop. */
  private volatile String clientId;
  private volatile boolean blocking;
  private volatile boolean running;
  private boolean started;
  private long claimer = -1;
  private long deadClaimer = -1;
  private long ownPendingTimer = -1;
  /** Set by {@link #OWN_PENDING_EVERY_MS}'s timer, applied by the loop before its next read. */
  private boolean rereadOwnPending;
  private final Promise<Void> stopped = Promise.promise();

  /** The state of one stream. */
  private static final class Source {
    final String stream;
    final Function<List<Entry>, Future<Void>> handler;
    /** Own pending entries are read (id "0") until a read of them comes back empty. */
    volatile boolean pending = true;
    volatile long retryAt;
    int failures;

    Source(String stream, Function<List<Entry>, Future<Void>> handler) {
      this.stream = stream;
      this.handler = handler;
    }
  }

  public StreamReader(Vertx vertx, Redis pooled, Redis dedicated, String group, String consumer, int batchSize) {
    this(vertx, pooled, dedicated, group, consumer, batchSize, false);
  }

  /** {@code splitReads}: one non-blocking read per stream (Redis Cluster), see the class comment. */
  public StreamReader(Vertx vertx, Redis pooled, Redis dedicated, String group, String consumer, int batchSize,
                      boolean splitReads) {
    this.vertx = vertx;
    this.splitReads = splitReads;
    this.pooled = RedisAPI.api(pooled);
    this.dedicated = dedicated;
    this.group = group;
    this.consumer = consumer;
    this.batchSize = batchSize;
  }

  /** Starts the read loop; streams may be added before or after. */
  public Future<Void> start() {
    running = true;
    started = true;
    // Entries of a consumer that died and did not come back are taken over after a while.
    claimer = vertx.setPeriodic(CLAIM_EVERY_MS, t -> Bounded.forEach(snapshot(), PARALLEL, this::claimIdle));
    if (vertx.isClustered()) {
      deadClaimer = vertx.setPeriodic(DEAD_CHECK_MS, t -> Bounded.forEach(snapshot(), PARALLEL, this::claimFromDeparted));
    }
    vertx.runOnContext(v -> {
      if (running) ownPendingTimer = vertx.setPeriodic(OWN_PENDING_EVERY_MS, t -> rereadOwnPending = true);
      loop();
    });
    return Future.succeededFuture();
  }

  /**
   * Reads {@code stream} from now on (idempotent): creates its group unless it exists, claims what
   * others left idle, and wakes the reader so the stream is read at once.
   */
  public Future<Void> add(String stream, Function<List<Entry>, Future<Void>> handler) {
    Future<Void> added = adding.computeIfAbsent(stream, s -> ensureGroup(pooled, s, group).compose(v -> {
      Source source = new Source(s, handler);
      synchronized (sources) {
        sources.put(s, source);
      }
      wake();
      return claimIdle(source);
    }));
    // A failed add is tried again by the next caller.
    added.onFailure(failure -> adding.remove(stream, added));
    return added;
  }

  public List<String> streams() {
    synchronized (sources) {
      return List.copyOf(sources.keySet());
    }
  }

  /**
   * Finishes the batch in hand and stops reading. Bounded: a batch whose store went away mid-call
   * may never be answered (no command timeout), and a node must still shut down; its entries stay
   * pending and are read again.
   */
  public Future<Void> stop() {
    if (!started) return Future.succeededFuture();
    running = false;
    vertx.cancelTimer(claimer);
    vertx.cancelTimer(deadClaimer);
    vertx.cancelTimer(ownPendingTimer);
    wake();
    return stopped.future().timeout(STOP_WAIT_MS, TimeUnit.MILLISECONDS)
      .recover(failure -> {
        log.warn("{}: the batch in hand did not finish within {} ms; stopping without it", group, STOP_WAIT_MS);
        return Future.succeededFuture();
      })
      .eventually(() -> connection == null ? Future.succeededFuture() : connection.close());
  }

  /** Creates the stream and the group unless they exist; a new group reads from the start. */
  public static Future<Void> ensureGroup(RedisAPI api, String stream, String group) {
    return api.xgroup(List.of("CREATE", stream, group, "0", "MKSTREAM"))
      .<Void>mapEmpty()
      .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("BUSYGROUP")
        ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  private List<Source> snapshot() {
    synchronized (sources) {
      return List.copyOf(sources.values());
    }
  }

  private Future<Void> claimIdle(Source source) {
    return claimIdle(source, "0-0").otherwise(failure -> {
      log.warn("{}: claiming idle entries failed: {}", source.stream, failure.getMessage());
      return null;
    });
  }

  private Future<Void> claimIdle(Source source, String cursor) {
    return pooled.xautoclaim(List.of(source.stream, group, consumer, Long.toString(CLAIM_IDLE_MS), cursor,
        "COUNT", "1000", "JUSTID"))
      .compose(reply -> {
        // Claimed entries join this consumer's pending list, which only a "0" read returns.
        if (reply.get(1).size() > 0) source.pending = true;
        String next = reply.get(0).toString();
        return "0-0".equals(next) ? Future.<Void>succeededFuture() : claimIdle(source, next);
      });
  }

  /** Ends a blocking read early (it returns as if it had timed out), so a change is seen at once. */
  private void wake() {
    String id = clientId;
    if (blocking && id != null) pooled.client(List.of("UNBLOCK", id)).onFailure(ignored -> { });
  }

  private void loop() {
    if (!running) {
      stopped.tryComplete();
      return;
    }
    if (rereadOwnPending) {
      rereadOwnPending = false;
      snapshot().forEach(s -> s.pending = true);
    }
    long now = System.currentTimeMillis();
    List<Source> due = snapshot().stream().filter(s -> s.retryAt <= now).toList();
    if (due.isEmpty()) {
      vertx.setTimer(IDLE_MS, t -> loop());
      return;
    }
    boolean history = due.stream().anyMatch(s -> s.pending);
    long nextRetry = snapshot().stream().mapToLong(s -> s.retryAt).filter(at -> at > now).min().orElse(Long.MAX_VALUE);
    long block = Math.max(1, Math.min(BLOCK_MS, nextRetry - now));
    Future<Map<String, List<Entry>>> read = splitReads ? readEach(due) : connection()
      .compose(api -> {
        blocking = !history;
        return api.xreadgroup(readArgs(due, history ? 0 : block));
      })
      .onComplete(done -> blocking = false)
      .map(StreamReader::parse);
    read
      .compose(entries -> handle(due, entries).map(v -> entries.values().stream().allMatch(List::isEmpty)))
      .onSuccess(empty -> {
        // A split read does not block in Redis: wait here while there is nothing to read.
        if (splitReads && empty && !history) vertx.setTimer(SPLIT_IDLE_MS, t -> loop());
        else vertx.runOnContext(next -> loop());
      })
      .onFailure(failure -> {
        log.warn("{}: reading the streams failed, retrying in {} ms: {}", group, RETRY_FIRST_MS, failure.getMessage());
        reset();
        // A read that failed may still have handed entries to this consumer: read them as pending.
        snapshot().forEach(s -> s.pending = true);
        // A stream that lost its group (Redis flushed) fails the read of all: create the groups again.
        Future<Void> regrouped = failure.getMessage() != null && failure.getMessage().startsWith("NOGROUP")
          ? Bounded.forEach(snapshot(), PARALLEL, s -> ensureGroup(pooled, s.stream, group))
          : Future.succeededFuture();
        regrouped.onComplete(v -> vertx.setTimer(RETRY_FIRST_MS, t -> loop()));
      });
  }

  /** One non-blocking XREADGROUP per stream, through the pool (each goes to its stream's primary). */
  private Future<Map<String, List<Entry>>> readEach(List<Source> due) {
    Map<String, List<Entry>> all = new ConcurrentHashMap<>();
    return Bounded.forEach(due, PARALLEL * 4, s -> pooled.xreadgroup(readArgs(List.of(s), 0))
        .onSuccess(reply -> all.putAll(parse(reply))).<Void>mapEmpty())
      .map(v -> all);
  }

  /** Claims the pending entries of the group's consumers whose node has left the cluster. */
  private Future<Void> claimFromDeparted(Source source) {
    Set<String> live = Cluster.liveInstances(vertx);
    if (live == null || live.isEmpty()) return Future.succeededFuture();
    return pooled.xpending(List.of(source.stream, group)).compose(summary -> {
        List<Future<Void>> claims = new ArrayList<>();
        Response consumers = summary.get(3);
        if (consumers != null) {
          for (Response owner : consumers) {
            String name = owner.get(0).toString();
            if (!name.equals(consumer) && departed(name, live)) claims.add(claimFrom(source, name));
          }
        }
        return Future.all(claims).<Void>mapEmpty();
      })
      .otherwise(failure -> {
        log.warn("{}: claiming a departed node's entries failed: {}", source.stream, failure.getMessage());
        return null;
      });
  }

  /** Consumers are named after their node's instanceId (older builds added a suffix "-n"). */
  static boolean departed(String consumerName, Set<String> liveInstances) {
    for (String instance : liveInstances) {
      if (consumerName.equals(instance) || consumerName.startsWith(instance + "-")) return false;
    }
    return true;
  }

  private Future<Void> claimFrom(Source source, String departed) {
    return pooled.xpending(List.of(source.stream, group, "-", "+", "1000", departed)).compose(pending -> {
      if (pending == null || pending.size() == 0) return Future.<Void>succeededFuture();
      List<String> args = new ArrayList<>(List.of(source.stream, group, consumer, Long.toString(DEAD_CLAIM_IDLE_MS)));
      for (Response entry : pending) args.add(entry.get(0).toString());
      args.add("JUSTID");
      return pooled.xclaim(args).compose(claimed -> {
        if (claimed.size() > 0) {
          // Claimed entries join this consumer's pending list, which only a "0" read returns.
          source.pending = true;
          log.info("{}: took over {} pending entries of {}, whose node left the cluster", source.stream, claimed.size(), departed);
        }
        // More than one page, or entries not idle long enough yet: the next check takes them.
        return Future.<Void>succeededFuture();
      });
    });
  }

  /** XREADGROUP over the streams: own pending entries ("0") where any are left, else new ones (">"). */
  private List<String> readArgs(List<Source> due, long blockMs) {
    List<String> args = new ArrayList<>(8 + 2 * due.size());
    args.addAll(List.of("GROUP", group, consumer, "COUNT", Integer.toString(batchSize)));
    if (blockMs > 0) args.addAll(List.of("BLOCK", Long.toString(blockMs)));
    args.add("STREAMS");
    for (Source s : due) args.add(s.stream);
    for (Source s : due) args.add(s.pending ? "0" : ">");
    return args;
  }

  /** Hands each stream's entries to its handler, a few streams at a time; then acknowledges them. */
  private Future<Void> handle(List<Source> due, Map<String, List<Entry>> read) {
    List<Source> withEntries = new ArrayList<>();
    for (Source s : due) {
      List<Entry> entries = read.getOrDefault(s.stream, List.of());
      if (!entries.isEmpty()) withEntries.add(s);
      // A pending read that found nothing: the stream's own backlog is done.
      else if (s.pending) s.pending = false;
    }
    return Bounded.forEach(withEntries, PARALLEL, s -> {
      List<Entry> entries = read.get(s.stream);
      return s.handler.apply(entries.stream().filter(e -> e.fields() != null).toList())
        .compose(v -> acknowledge(s.stream, entries))
        .onSuccess(v -> {
          if (s.failures > 0) log.info("{}: handling works again after {} failed attempts", s.stream, s.failures);
          s.failures = 0;
        })
        .onFailure(failure -> {
          long delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS << Math.min(s.failures, 10));
          if (s.failures++ % 10 == 0) {
            log.warn("{}: handling failed (attempt {}), retrying every {} ms at most: {}", s.stream, s.failures,
              RETRY_MAX_MS, failure.getMessage());
          }
          s.pending = true;
          s.retryAt = System.currentTimeMillis() + delay;
        });
    });
  }

  /** The reader's own connection, opened once. */
  private Future<RedisAPI> connection() {
    Future<RedisAPI> current = api;
    if (current == null) {
      // Kept in a local: a connect that fails at once resets the field before this returns.
      current = dedicated.connect().compose(conn -> {
        connection = conn;
        RedisAPI opened = RedisAPI.api(conn);
        return opened.client(List.of("ID")).map(id -> {
          clientId = id.toString();
          return opened;
        });
      });
      api = current;
      current.onFailure(failure -> reset());
    }
    return current;
  }

  private void reset() {
    if (connection != null) connection.close();
    connection = null;
    api = null;
    clientId = null;
  }

  /** Entries by stream; an entry deleted while pending (already handled) comes without fields. */
  private static Map<String, List<Entry>> parse(Response reply) {
    Map<String, List<Entry>> byStream = new HashMap<>();
    if (reply == null) return byStream;
    for (Response stream : reply) {
      List<Entry> entries = new ArrayList<>();
      for (Response entry : stream.get(1)) {
        Response fields = entry.get(1);
        if (fields == null) {
          entries.add(new Entry(entry.get(0).toString(), null));
          continue;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i + 1 < fields.size(); i += 2) values.put(fields.get(i).toString(), fields.get(i + 1).toString());
        entries.add(new Entry(entry.get(0).toString(), values));
      }
      byStream.put(stream.get(0).toString(), entries);
    }
    return byStream;
  }

  private Future<Void> acknowledge(String stream, List<Entry> entries) {
    if (entries.isEmpty()) return Future.succeededFuture();
    String[] args = new String[entries.size() + 1];
    args[0] = group;
    for (int i = 0; i < entries.size(); i++) args[i + 1] = entries.get(i).id();
    return ACK.run(pooled, List.of(stream), args).mapEmpty();
  }
}
