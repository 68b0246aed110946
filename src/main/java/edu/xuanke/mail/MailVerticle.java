package edu.xuanke.mail;

import edu.xuanke.core.AppConfig;
import edu.xuanke.mail.impl.MailServiceImpl;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.serviceproxy.ServiceBinder;

/** The mail domain; registers {@link MailService} on the event bus. */
public class MailVerticle extends VerticleBase {

  private MailClient client;
  private MessageConsumer<JsonObject> service;

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    if (!config.smtpHost().isBlank()) {
      client = MailClient.createShared(vertx, new MailConfig().setHostname(config.smtpHost()).setPort(config.smtpPort()));
    }
    service = new ServiceBinder(vertx).setAddress(MailService.ADDRESS)
      .register(MailService.class, new MailServiceImpl(client, config.mailFrom()));
    return service.completion();
  }

  @Override
  public Future<?> stop() {
    return service.unregister().eventually(() -> client == null ? Future.succeededFuture() : client.close());
  }
}
