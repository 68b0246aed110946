package edu.xuanke.round;

import edu.xuanke.auth.AuthService;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.Jobs;
import edu.xuanke.core.ServiceBoundary;
import edu.xuanke.core.Stores;
import edu.xuanke.course.CatalogService;
import edu.xuanke.course.SelectionService;
import edu.xuanke.mail.MailService;
import edu.xuanke.round.impl.RoundServiceImpl;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;

/**
 * The round domain: plans and wishes, the lottery and its publication. Registers
 * {@link RoundService}; the lottery's drawing, decoding results and writing exports run on a
 * worker pool of one thread, so they never hold an event loop and leave the other core to selections.
 */
public class RoundVerticle extends VerticleBase {

  private Pool mysql;
  private Redis redis;
  private WorkerExecutor workers;

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    mysql = Stores.mysql(vertx, config);
    redis = Stores.redis(vertx, config);
    workers = vertx.createSharedWorkerExecutor("xuanke-lottery", 1);
    RoundService impl = new RoundServiceImpl(mysql, new Jobs(vertx, RedisAPI.api(redis), Jobs.LEASE_MS), workers,
      CatalogService.createProxy(vertx), AuthService.createProxy(vertx), SelectionService.createProxy(vertx),
      MailService.createProxy(vertx));
    return ServiceBoundary.register(vertx, RoundService.ADDRESS, RoundService.class, impl).completion();
  }

  @Override
  public Future<?> stop() {
    workers.close();
    redis.close();
    return mysql.close();
  }
}
