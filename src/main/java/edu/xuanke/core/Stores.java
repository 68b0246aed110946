package edu.xuanke.core;

import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Clients of the backing stores, built the same way by every verticle that needs them. */
public final class Stores {

  private Stores() {
  }

  public static MySQLConnectOptions mysqlOptions(AppConfig config) {
    return new MySQLConnectOptions()
      .setHost(config.mysqlHost())
      .setPort(config.mysqlPort())
      .setUser(config.mysqlUser())
      .setPassword(config.mysqlPassword())
      .setDatabase(config.mysqlDatabase())
      .setCharset("utf8mb4")
      .setCachePreparedStatements(true);
  }

  public static Pool mysql(Vertx vertx, AppConfig config) {
    return MySQLBuilder.pool()
      .with(new PoolOptions().setMaxSize(config.mysqlPoolSize()))
      .connectingTo(mysqlOptions(config))
      .using(vertx)
      .build();
  }

  /** host:port of the configured Redis, for messages (the URL may carry a password). */
  public static String redisAddress(AppConfig config) {
    java.net.URI uri = java.net.URI.create(config.redisUrl());
    return "Redis " + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
  }

  public static Redis redis(Vertx vertx, AppConfig config) {
    RedisOptions options = new RedisOptions();
    // A Redis that is down is noticed within the request's budget, not after the OS's connect timeout.
    options.getNetClientOptions().setConnectTimeout((int) config.redisTimeoutMs());
    return Redis.createClient(vertx, options
      .setConnectionString(config.redisUrl())
      .setMaxPoolSize(config.redisPoolSize())
      .setMaxPoolWaiting(4096)
      // RESP2 keeps replies plain arrays (streams, hashes), which the parsers here expect.
      .setPreferredProtocolVersion(ProtocolVersion.RESP2));
  }
}
