package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisConnection;

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

  private final Redis client;
  private final long timeoutMs;
  private Future<RedisAPI> api;
  private RedisConnection current;
  private Function<RedisAPI, Future<Void>> beforeUse = connection -> Future.succeededFuture();

  /**
   * @param timeoutMs how long a command may wait for its reply; then the connection is given up
   *                  (every command on it fails, so the callers answer 503 instead of hanging on a
   *                  Redis that stopped answering) and the next call opens a new one
   */
  public PipelinedRedis(Redis client, long timeoutMs) {
    this.client = client;
    this.timeoutMs = timeoutMs;
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
    if (api == null) {
      api = client.connect().compose(connection -> {
        current = connection;
        connection.exceptionHandler(failure -> forget(connection));
        connection.endHandler(ended -> forget(connection));
        RedisAPI opened = RedisAPI.api(connection);
        return beforeUse.apply(opened).map(opened).onFailure(failure -> forget(connection));
      });
      Future<RedisAPI> opening = api;
      opening.onFailure(failure -> {
        if (api == opening) api = null;
      });
    }
    return api;
  }

  /** Drops a failed connection; a newer one opened meanwhile stays. */
  private void forget(RedisConnection connection) {
    if (connection == current) {
      current = null;
      api = null;
    }
    connection.close();
  }
}
