package edu.xuanke.auth;

import edu.xuanke.auth.impl.AuthServiceImpl;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.Stores;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import io.vertx.sqlclient.Pool;

/**
 * The accounts domain; registers {@link AuthService} on the event bus. Vert.x unregisters the
 * service and closes the pool when the verticle is undeployed.
 */
public class AuthVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    Pool mysql = Stores.mysql(vertx, config);
    AuthService impl = new AuthServiceImpl(mysql, new PasswordHasher(vertx, config.passwordIterations()),
      Tokens.provider(vertx, config), config.tokenTtlHours() * 3600, config.timeZone());
    MessageConsumer<JsonObject> service = new ServiceBinder(vertx).setAddress(AuthService.ADDRESS).register(AuthService.class, impl);
    return service.completion();
  }
}
