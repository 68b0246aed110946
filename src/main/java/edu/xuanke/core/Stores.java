package edu.xuanke.core;

import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.concurrent.TimeUnit;

/** Clients of the backing stores, built the same way by every verticle that needs them. */
public final class Stores {

  /** Above the statements of a default batch of 4,000 events (three tables, at most ten chunks each). */
  private static final int PERSISTER_PIPELINING = 32;

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

  /**
   * A bounded pool: a caller waits at most {@code mysqlPoolWaitMs} for a connection, and at most
   * {@code mysqlPoolWaiting} callers wait at all, so an overload fails fast (503 UNAVAILABLE,
   * nothing changed) instead of queueing without end.
   */
  public static Pool mysql(Vertx vertx, AppConfig config) {
    return mysql(vertx, config, mysqlOptions(config));
  }

  /**
   * The persister's pool: as {@link #mysql}, but a connection sends up to {@value #PERSISTER_PIPELINING}
   * statements before their answers are in. A batch's statements are sent at once (course/Persister),
   * so its transaction waits for MySQL about once instead of once per statement, each wait lengthened
   * by a busy event loop.
   */
  public static Pool persisterMysql(Vertx vertx, AppConfig config) {
    return mysql(vertx, config, mysqlOptions(config).setPipeliningLimit(PERSISTER_PIPELINING));
  }

  private static Pool mysql(Vertx vertx, AppConfig config, MySQLConnectOptions options) {
    return MySQLBuilder.pool()
      .with(new PoolOptions().setMaxSize(config.mysqlPoolSize()).setMaxWaitQueueSize(config.mysqlPoolWaiting())
        .setConnectionTimeout((int) config.mysqlPoolWaitMs()).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
      .connectingTo(options)
      .using(vertx)
      .build();
  }

  /** host:port of the configured Redis, for messages (the URL may carry a password). */
  public static String redisAddress(AppConfig config) {
    java.net.URI uri = java.net.URI.create(config.redisUrl());
    return "Redis " + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
  }

  /**
   * The shared pool: short commands only. Blocking commands (XREADGROUP … BLOCK) never use it —
   * they would hold a connection each — but {@link #dedicatedRedis}. At most
   * {@code redisPoolWaiting} calls wait for a connection; beyond that a call fails at once (503).
   */
  public static Redis redis(Vertx vertx, AppConfig config) {
    return Redis.createClient(vertx, redisOptions(config)
      .setMaxPoolSize(config.redisPoolSize())
      .setMaxPoolWaiting(config.redisPoolWaiting()));
  }

  /** A client of exactly one connection, for one blocking reader (see core/StreamReader). */
  public static Redis dedicatedRedis(Vertx vertx, AppConfig config) {
    return Redis.createClient(vertx, redisOptions(config).setMaxPoolSize(1).setMaxPoolWaiting(1));
  }

  /**
   * A single Redis (redisUrl), or Redis Cluster (redisType "cluster"): the client learns the
   * slots from the listed nodes and sends each command to the primary of its key's slot. Every
   * script's keys share one hash tag, so each script runs on one primary.
   */
  public static RedisOptions redisOptions(AppConfig config) {
    RedisOptions options = new RedisOptions();
    // A Redis that is down is noticed within the request's budget, not after the OS's connect timeout.
    options.getNetClientOptions().setConnectTimeout((int) config.redisTimeoutMs());
    // RESP2 keeps replies plain arrays (streams, hashes), which the parsers here expect.
    options.setPreferredProtocolVersion(ProtocolVersion.RESP2);
    if (!config.redisCluster()) return options.setConnectionString(config.redisUrl());
    if (config.redisNodes().isEmpty()) {
      throw new IllegalStateException("XUANKE_REDIS_TYPE=cluster needs XUANKE_REDIS_NODES (comma-separated redis:// URLs)");
    }
    options.setType(RedisClientType.CLUSTER).setUseReplicas(RedisReplicas.NEVER);
    config.redisNodes().forEach(options::addConnectionString);
    return options;
  }
}
