package edu.xuanke.mail;

import edu.xuanke.core.AppConfig;
import edu.xuanke.core.ServiceBoundary;
import edu.xuanke.core.Stores;
import edu.xuanke.mail.impl.MailServiceImpl;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;

/**
 * The mail domain: registers {@link MailService} (queues into the outbox) and runs the
 * {@link Mailer} that delivers the outbox. It knows no other domain: they call it.
 */
public class MailVerticle extends VerticleBase {

  private Mailer mailer;
  private Redis redis;
  private Redis dedicated;

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    redis = Stores.redis(vertx, config);
    dedicated = Stores.dedicatedRedis(vertx, config);
    MailService service = new MailServiceImpl(RedisAPI.api(redis));
    mailer = new Mailer(vertx, redis, dedicated, smtp(config), config.mailFrom(), config.instanceId(), config.mailMaxAttempts(),
      config.mailRetryBaseMs(), config.demo());
    return ServiceBoundary.register(vertx, MailService.ADDRESS, MailService.class, service).completion()
      .compose(v -> mailer.start());
  }

  /** Lets the mail in hand finish; what is queued stays in the outbox for the next start. */
  @Override
  public Future<?> stop() {
    return mailer.stop().eventually(() -> Future.join(redis.close(), dedicated.close()));
  }

  private MailClient smtp(AppConfig config) {
    if (config.smtpHost().isBlank()) return null;
    MailConfig mail = new MailConfig().setHostname(config.smtpHost()).setPort(config.smtpPort());
    switch (config.smtpTls().toUpperCase()) {
      case "TLS" -> mail.setSsl(true);
      case "REQUIRED" -> mail.setStarttls(StartTLSOptions.REQUIRED);
      case "STARTTLS" -> mail.setStarttls(StartTLSOptions.OPTIONAL);
      default -> mail.setStarttls(StartTLSOptions.DISABLED);
    }
    if (!config.smtpUser().isBlank()) {
      mail.setLogin(LoginOption.REQUIRED).setUsername(config.smtpUser()).setPassword(config.smtpPassword());
    } else {
      mail.setLogin(LoginOption.DISABLED);
    }
    return MailClient.create(vertx, mail);
  }
}
