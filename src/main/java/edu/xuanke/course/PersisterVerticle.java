package edu.xuanke.course;

import edu.xuanke.core.AppConfig;
import edu.xuanke.core.Stores;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

/**
 * Hosts the node's {@link Persisters}: one instance per node, deployed before the course
 * instances (which ask it for their terms) and undeployed after them, so what they accepted is
 * written before the process ends.
 */
public class PersisterVerticle extends VerticleBase {

  private static final long DRAIN_ON_STOP_MS = 5_000;

  private Pool mysql;
  private Redis pooled;
  private Redis dedicated;
  private Persisters persisters;
  private MessageConsumer<Long> requests;

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    mysql = Stores.persisterMysql(vertx, config);
    pooled = Stores.redis(vertx, config);
    dedicated = Stores.dedicatedRedis(vertx, config);
    // The consumer name stays the same across restarts, so a restarted node finishes its own pending entries.
    persisters = new Persisters(vertx, pooled, dedicated, mysql, config.instanceId(), config.persisterBatchSize(),
      new PersistedMarks(vertx), config.redisCluster());
    requests = vertx.eventBus().localConsumer(Persisters.ENSURE_ADDRESS, request -> persisters.ensureRunning(request.body())
      .onSuccess(v -> request.reply(null))
      .onFailure(failure -> request.fail(503, String.valueOf(failure.getMessage()))));
    Persister.warmUp(mysql);
    return requests.completion().compose(v -> persisters.start());
  }

  /** Writes what the streams hold (bounded in time), then stops reading and closes the stores. */
  @Override
  public Future<?> stop() {
    return requests.unregister()
      .eventually(() -> persisters.drainAndStop(DRAIN_ON_STOP_MS))
      .eventually(() -> mysql.close())
      .eventually(() -> Future.join(pooled.close(), dedicated.close()));
  }
}
