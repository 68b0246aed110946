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
  private static final long RETRY_MS = 1000;
  private static final long CLAIM_IDLE_MS = 60_000;

  private final Vertx vertx;
  private final Redis redis;
  private final String stream;
  private final String group;
  private final String consumer;
  private final int batchSize;
  private final Function<List<Entry>, Future<Void>> handler;

  private RedisConnection connection;
  private volatile boolean running;
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
    return connection()
      .compose(api -> api.xautoclaim(List.of(stream, group, consumer, Long.toString(CLAIM_IDLE_MS), "0-0",
        "COUNT", "10000")))
      .<Void>mapEmpty()
      .onComplete(claimed -> vertx.runOnContext(v -> loop(true)));
  }

  /** Finishes the batch in hand and stops reading. */
  public Future<Void> stop() {
    running = false;
    return stopped.future().eventually(() -> connection == null ? Future.succeededFuture() : connection.close());
  }

  /** Creates the stream and the group unless they exist; a new group reads from the start. */
  public static Future<Void> ensureGroup(RedisAPI api, String stream, String group) {
    return api.xgroup(List.of("CREATE", stream, group, "0", "MKSTREAM"))
      .<Void>mapEmpty()
      .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("BUSYGROUP")
        ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  private void loop(boolean pending) {
    if (!running) {
      stopped.tryComplete();
      return;
    }
    readBatch(pending)
      .compose(entries -> handler.apply(entries).compose(v -> acknowledge(entries)).map(entries.size()))
      .onSuccess(count -> vertx.runOnContext(v -> loop(pending && count > 0)))
      .onFailure(failure -> {
        log.warn("{}: handling failed, retrying in {} ms: {}", stream, RETRY_MS, failure.getMessage());
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
      return ensureGroup(api, stream, group).map(api);
    });
  }

  /** Own pending entries when {@code pending}, else new ones, waiting up to a second for them. */
  private Future<List<Entry>> readBatch(boolean pending) {
    List<String> args = new ArrayList<>(List.of("GROUP", group, consumer, "COUNT", Integer.toString(batchSize)));
    if (!pending) args.addAll(List.of("BLOCK", "1000"));
    args.addAll(List.of("STREAMS", stream, pending ? "0" : ">"));
    return connection().compose(api -> api.xreadgroup(args)).map(StreamConsumer::parse);
  }

  private static List<Entry> parse(Response reply) {
    List<Entry> entries = new ArrayList<>();
    if (reply == null) return entries;
    for (Response stream : reply) {
      for (Response entry : stream.get(1)) {
        Response fields = entry.get(1);
        if (fields == null) continue; // deleted while pending: already handled
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i + 1 < fields.size(); i += 2) values.put(fields.get(i).toString(), fields.get(i + 1).toString());
        entries.add(new Entry(entry.get(0).toString(), values));
      }
    }
    return entries;
  }

  private Future<Void> acknowledge(List<Entry> entries) {
    if (entries.isEmpty()) return Future.succeededFuture();
    List<String> ack = new ArrayList<>(List.of(stream, group));
    List<String> del = new ArrayList<>(List.of(stream));
    for (Entry e : entries) {
      ack.add(e.id());
      del.add(e.id());
    }
    return connection().compose(api -> api.xack(ack).compose(r -> api.xdel(del))).mapEmpty();
  }
}
