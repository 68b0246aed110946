package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One Redis connection shared by all the calls of an event loop, so that concurrent requests
 * are pipelined on it. The pooled client holds a connection per call until its answer arrives
 * (one command in flight per connection); on the hottest route, many commands in flight on one
 * connection cost Redis and the kernel far fewer reads and writes. Reconnects on the next call
 * after the connection failed or closed; a new connection is used only once the
 * {@link #beforeUse} check has passed (the Redis behind it may have restarted on older data).
 */
public final class PipelinedRedis {

  private static final Logger log = LoggerFactory.getLogger(PipelinedRedis.class);
  private static final long REPLICA_PROBE_MS = 1_000;

  private final Redis client;
  private final long timeoutMs;
  private final long replicaWaitMs;
  /**
   * The WAITs that will follow the commands sent in this event-loop turn, once scheduled: one per
   * hash tag, since on Redis Cluster each must go to the primary that ran the commands.
   */
  private final Map<String, Promise<Void>> nextWaits = new HashMap<>();
  /**
   * Set when a WAIT found no replica (e.g. after a failover, the new primary has none yet): WAITs
   * are skipped, answers relying on the AOF alone, until a probe sees a replica connected again.
   * Otherwise every turn would stall the connection for the whole wait.
   */
  private boolean noReplica;
  private Future<RedisAPI> api;
  private RedisConnection current;
  private Function<RedisAPI, Future<Void>> beforeUse = connection -> Future.succeededFuture();

  /**
   * @param timeoutMs how long a command may wait for its reply; then the connection is given up
   *                  (every command on it fails, so the callers answer 503 instead of hanging on a
   *                  Redis that stopped answering) and the next call opens a new one
   */
  public PipelinedRedis(Redis client, long timeoutMs) {
    this(client, timeoutMs, 0);
  }

  /**
   * @param replicaWaitMs when above 0, {@link #callReplicated} holds the replies of each turn's
   *                      commands until one WAIT after them says a replica has them (or this many
   *                      ms passed)
   */
  public PipelinedRedis(Redis client, long timeoutMs, long replicaWaitMs) {
    this.client = client;
    this.timeoutMs = timeoutMs;
    this.replicaWaitMs = replicaWaitMs;
  }

  /**
   * Like {@link #call}, and in replica mode the reply is released only after a replica has the
   * change: the commands of one event-loop turn on one hash tag share one {@code WAIT 1 <ms>} sent
   * after them on the same connection, so a batch of answers costs one replication round trip.
   * WAIT counts only the writes of its own connection, and names no key: it goes in a batch with a
   * read of {@code key}, which takes it to the primary (and the connection) that ran the commands
   * on Redis Cluster too. A WAIT that times out with no replica is logged and the answers go out
   * anyway: the primary's AOF still holds them (see {@link #noReplica}).
   *
   * @param key a key of the commands (they share its hash tag)
   */
  public <T> Future<T> callReplicated(String key, Function<RedisAPI, Future<T>> command) {
    Future<T> reply = call(command);
    if (replicaWaitMs <= 0) return reply;
    Future<Void> acknowledged = replicaAcknowledged(key);
    return reply.compose(answer -> acknowledged.map(answer));
  }

  private Future<Void> replicaAcknowledged(String key) {
    if (noReplica) return Future.succeededFuture();
    String tag = HashTagKeys.tagOf(key);
    Promise<Void> scheduled = nextWaits.get(tag);
    if (scheduled != null) return scheduled.future();
    Promise<Void> wait = Promise.promise();
    nextWaits.put(tag, wait);
    Vertx.currentContext().runOnContext(v -> {
      nextWaits.remove(tag);
      onSlotOf(key, Request.cmd(Command.WAIT).arg(1).arg(replicaWaitMs)).onComplete(done -> {
        if (done.failed() || done.result().toLong() < 1) replicaMissing(key);
        wait.complete();
      });
    });
    return wait.future();
  }

  /** Sends a keyless command on the connection to the primary that serves {@code key}. */
  private Future<Response> onSlotOf(String key, Request command) {
    return api().compose(ready -> current.batch(List.of(Request.cmd(Command.EXISTS).arg(key), command)))
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .map(replies -> replies.get(1));
  }

  private void replicaMissing(String key) {
    if (noReplica) return;
    noReplica = true;
    log.warn("no replica acknowledged within {} ms: answers rely on the primary's AOF alone until one is connected",
      replicaWaitMs);
    Vertx vertx = Vertx.currentContext().owner();
    vertx.setPeriodic(REPLICA_PROBE_MS, probe -> onSlotOf(key, Request.cmd(Command.INFO).arg("replication")).onSuccess(info -> {
      if (info.toString().contains("connected_slaves:0")) return;
      vertx.cancelTimer(probe);
      noReplica = false;
      log.info("a replica is connected again: answers wait for it");
    }));
  }

  /** Runs a command (or a few) on the shared connection, within the timeout. */
  public <T> Future<T> call(Function<RedisAPI, Future<T>> command) {
    Future<RedisAPI> connection = api();
    return connection.compose(command).timeout(timeoutMs, TimeUnit.MILLISECONDS).onFailure(failure -> {
      if (failure instanceof TimeoutException && connection.succeeded() && api == connection && current != null) {
        forget(current);
      }
    });
  }

  /** A check every new connection must pass before its first command; a failure drops the connection. */
  public void beforeUse(Function<RedisAPI, Future<Void>> check) {
    this.beforeUse = check;
  }

  public Future<RedisAPI> api() {
    Future<RedisAPI> opened = api;
    if (opened == null) {
      // Kept in a local: a connect that fails at once resets the field before this returns.
      opened = client.connect().compose(connection -> {
        current = connection;
        connection.exceptionHandler(failure -> forget(connection));
        connection.endHandler(ended -> forget(connection));
        RedisAPI commands = RedisAPI.api(connection);
        return beforeUse.apply(commands).map(commands).onFailure(failure -> forget(connection));
      });
      api = opened;
      Future<RedisAPI> opening = opened;
      opening.onFailure(failure -> {
        if (api == opening) api = null;
      });
    }
    return opened;
  }

  /**
   * Drops a failed connection, once: its exception and end handlers both report, and a second
   * close of a cluster connection would hand its pooled connections back twice. A newer
   * connection opened meanwhile stays (an older one was closed when it was dropped).
   */
  private void forget(RedisConnection connection) {
    if (connection != current) return;
    current = null;
    api = null;
    connection.close();
  }
}
