package edu.xuanke.auth;

import edu.xuanke.auth.impl.AuthServiceImpl;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.ServiceBoundary;
import edu.xuanke.core.Stores;
import edu.xuanke.mail.MailService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.RedisAPI;

/**
 * The accounts domain; registers {@link AuthService} on the event bus. Passwords are hashed on
 * a worker pool of its own, sized to leave a core to the event loops. Vert.x unregisters the
 * service and closes the clients when the verticle is undeployed.
 */
public class AuthVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    PasswordHasher hasher = new PasswordHasher(
      vertx.createSharedWorkerExecutor("xuanke-password-hashing", config.hashThreads()), config.passwordIterations(),
      config.hashQueueLimit());
    AuthService impl = new AuthServiceImpl(config, Stores.mysql(vertx, config), RedisAPI.api(Stores.redis(vertx, config)),
      hasher, Tokens.provider(vertx, config), CohortTerms.createProxy(vertx), MailService.createProxy(vertx));
    return ServiceBoundary.register(vertx, AuthService.ADDRESS, AuthService.class, impl).completion();
  }
}
