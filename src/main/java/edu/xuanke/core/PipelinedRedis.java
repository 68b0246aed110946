package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisConnection;

/**
 * One Redis connection shared by all the calls of an event loop, so that concurrent requests
 * are pipelined on it. The pooled client holds a connection per call until its answer arrives
 * (one command in flight per connection); on the hottest route, many commands in flight on one
 * connection cost Redis and the kernel far fewer reads and writes. Reconnects on the next call
 * after the connection failed or closed.
 */
public final class PipelinedRedis {

  private final Redis client;
  private Future<RedisAPI> api;
  private RedisConnection current;

  public PipelinedRedis(Redis client) {
    this.client = client;
  }

  public Future<RedisAPI> api() {
    if (api == null) {
      api = client.connect().map(connection -> {
        current = connection;
        connection.exceptionHandler(failure -> forget(connection));
        connection.endHandler(ended -> forget(connection));
        return RedisAPI.api(connection);
      });
      api.onFailure(failure -> api = null);
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
