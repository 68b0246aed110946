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

/** The accounts domain; registers {@link AuthService} on the event bus. */
public class AuthVerticle extends VerticleBase {

  private Pool mysql;
  private MessageConsumer<JsonObject> service;

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    mysql = Stores.mysql(vertx, config);
    AuthService impl = new AuthServiceImpl(mysql, new PasswordHasher(vertx, config.passwordIterations()),
      Tokens.provider(vertx, config), config.tokenTtlHours() * 3600, config.timeZone());
    service = new ServiceBinder(vertx).setAddress(AuthService.ADDRESS).register(AuthService.class, impl);
    return service.completion();
  }

  @Override
  public Future<?> stop() {
    return service.unregister().eventually(() -> mysql.close());
  }
}
