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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads one Redis stream as a member of a consumer group, on a connection of its own (the
 * blocking read would otherwise hold a pooled one). On start it claims entries another
 * consumer left idle, then finishes its own pending entries before reading new ones. A batch
 * is acknowledged and deleted only after the handler succeeded, so a crash at any point means
 * the batch is handled again: handlers must be idempotent.
 */
public final class StreamConsumer {

  /** One stream entry. */
  public record Entry(String id, Map<String, String> fields) {
  }

  private static final Logger log = LoggerFactory.getLogger(StreamConsumer.class);
  /** Backoff after a failed batch (MySQL or Redis away): 100 ms doubling up to 1 s, so a store that returns is used within a second. */
  private static final long RETRY_FIRST_MS = 100;
  private static final long RETRY_MAX_MS = 1_000;
  private static final long CLAIM_IDLE_MS = 60_000;
  private static final long CLAIM_EVERY_MS = 30_000;
  private static final RedisScript ACK = RedisScript.fromResources("lua/stream_ack.lua");

  private final Vertx vertx;
  private final Redis redis;
  private final String stream;
  private final String group;
  private final String consumer;
  private final int batchSize;
  private final Function<List<Entry>, Future<Void>> handler;

  private RedisConnection connection;
  private Future<RedisAPI> api;
  private volatile boolean running;
  private long claimer = -1;
  /** Set when a claim moved entries into this consumer's pending list, which only a "0" read returns. */
  private boolean claimedPending;
  /** Failed attempts in a row. */
  private int failures;
  private final Promise<Void> stopped = Promise.promise();

  public StreamConsumer(Vertx vertx, Redis redis, String stream, String group, String consumer, int batchSize,
                        Function<List<Entry>, Future<Void>> handler) {
    this.vertx = vertx;
    this.redis = redis;
    this.stream = stream;
    this.group = group;
    this.consumer = consumer;
    this.batchSize = batchSize;
    this.handler = handler;
  }

  public Future<Void> start() {
    running = true;
    // Entries of a consumer that died and did not come back are taken over after a while.
    claimer = vertx.setPeriodic(CLAIM_EVERY_MS, t -> claimIdle("0-0"));
    return claimIdle("0-0").onComplete(claimed -> vertx.runOnContext(v -> loop(true)));
  }

  private Future<Void> claimIdle(String cursor) {
    return connection()
      .compose(api -> api.xautoclaim(List.of(stream, group, consumer, Long.toString(CLAIM_IDLE_MS), cursor,
        "COUNT", "1000", "JUSTID")))
      .compose(reply -> {
        if (reply.get(1).size() > 0) claimedPending = true;
        String next = reply.get(0).toString();
        return "0-0".equals(next) ? Future.<Void>succeededFuture() : claimIdle(next);
      })
      .otherwise(failure -> {
        log.warn("{}: claiming idle entries failed: {}", stream, failure.getMessage());
        return null;
      });
  }

  /** Finishes the batch in hand and stops reading. */
  public Future<Void> stop() {
    running = false;
    vertx.cancelTimer(claimer);
    return stopped.future().eventually(() -> connection == null ? Future.succeededFuture() : connection.close());
  }

  /** Creates the stream and the group unless they exist; a new group reads from the start. */
  public static Future<Void> ensureGroup(RedisAPI api, String stream, String group) {
    return api.xgroup(List.of("CREATE", stream, group, "0", "MKSTREAM"))
      .<Void>mapEmpty()
      .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("BUSYGROUP")
        ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  private void loop(boolean pendingAsked) {
    if (!running) {
      stopped.tryComplete();
      return;
    }
    boolean pending = pendingAsked || claimedPending;
    claimedPending = false;
    readBatch(pending)
      .compose(entries -> handler.apply(entries.stream().filter(e -> e.fields() != null).toList())
        .compose(v -> acknowledge(entries)).map(entries.size()))
      .onSuccess(count -> {
        if (failures > 0) log.info("{}: handling works again after {} failed attempts", stream, failures);
        failures = 0;
        vertx.runOnContext(v -> loop(pending && count > 0));
      })
      .onFailure(failure -> {
        long delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS << Math.min(failures, 10));
        if (failures++ % 10 == 0) {
          log.warn("{}: handling failed (attempt {}), retrying every {} ms at most: {}", stream, failures, RETRY_MAX_MS,
            failure.getMessage());
        }
        reset();
        vertx.setTimer(delay, t -> loop(true));
      });
  }

  /** The consumer's own connection, opened once and shared by the reads and the claims. */
  private Future<RedisAPI> connection() {
    Future<RedisAPI> current = api;
    if (current == null) {
      // Kept in a local: a connect that fails at once resets the field before this returns.
      current = redis.connect().compose(conn -> {
        connection = conn;
        RedisAPI opened = RedisAPI.api(conn);
        return ensureGroup(opened, stream, group).map(opened);
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
  }

  /** Own pending entries when {@code pending}, else new ones, waiting up to a second for them. */
  private Future<List<Entry>> readBatch(boolean pending) {
    List<String> args = new ArrayList<>(List.of("GROUP", group, consumer, "COUNT", Integer.toString(batchSize)));
    if (!pending) args.addAll(List.of("BLOCK", "1000"));
    args.addAll(List.of("STREAMS", stream, pending ? "0" : ">"));
    return connection().compose(api -> api.xreadgroup(args)).map(StreamConsumer::parse);
  }

  /** Entries with their fields; an entry deleted while pending (already handled) comes without fields. */
  private static List<Entry> parse(Response reply) {
    List<Entry> entries = new ArrayList<>();
    if (reply == null) return entries;
    for (Response stream : reply) {
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
    }
    return entries;
  }

  private Future<Void> acknowledge(List<Entry> entries) {
    if (entries.isEmpty()) return Future.succeededFuture();
    String[] args = new String[entries.size() + 1];
    args[0] = group;
    for (int i = 0; i < entries.size(); i++) args[i + 1] = entries.get(i).id();
    return connection().compose(api -> ACK.run(api, List.of(stream), args)).mapEmpty();
  }
}
