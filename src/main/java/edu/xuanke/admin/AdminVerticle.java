package edu.xuanke.admin;

import edu.xuanke.admin.impl.AdminServiceImpl;
import edu.xuanke.auth.AuthService;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.ServiceBoundary;
import edu.xuanke.core.Stores;
import edu.xuanke.course.CatalogService;
import edu.xuanke.mail.MailService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.RedisAPI;

/**
 * The admin domain; registers {@link AdminService} on the event bus for this node only (at two
 * addresses: calls that wait for password hashing get a longer timeout). File parsing, hashing and export writing run on a worker pool of its own.
 */
public class AdminVerticle extends VerticleBase {

  /** One core is left to the event loops, so an import or export never slows the selection route much. */
  private static final int WORKERS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    AdminService impl = new AdminServiceImpl(vertx, config,
      RedisAPI.api(Stores.redis(vertx, config)), vertx.createSharedWorkerExecutor("xuanke-admin", WORKERS),
      AuthService.createProxy(vertx), CatalogService.createProxy(vertx), MailService.createProxy(vertx),
      Stores.mysql(vertx, config));
    return Future.all(ServiceBoundary.register(vertx, AdminService.ADDRESS, AdminService.class, impl).completion(),
      ServiceBoundary.register(vertx, AdminService.LOCAL_ADDRESS, AdminService.class, impl).completion());
  }
}
