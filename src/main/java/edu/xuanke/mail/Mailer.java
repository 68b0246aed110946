package edu.xuanke.mail;

import edu.xuanke.core.RedisScript;
import edu.xuanke.core.StreamReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Delivers the outbox: renders each mail and hands it to SMTP (or, with no SMTP host, to the
 * log: in demo mode the whole text, so that codes and links can be used; otherwise only who and what). A failed mail goes to the retry set with exponential backoff and comes back into the
 * outbox when due; after the configured number of attempts it is parked in the dead list.
 */
public final class Mailer {

  private static final Logger log = LoggerFactory.getLogger(Mailer.class);
  private static final RedisScript DUE = RedisScript.fromResources("lua/mail_due.lua");
  private static final long POLL_MS = 500;
  private static final int DEAD_KEPT = 1000;

  private final Vertx vertx;
  private final RedisAPI redis;
  private final MailClient smtp;
  private final String from;
  private final int maxAttempts;
  private final long retryBaseMs;
  private final boolean demo;
  private final MailTemplates templates = new MailTemplates();
  private final StreamReader reader;
  private long poller = -1;

  /**
   * {@code smtp} null: mails are written to the log. {@code dedicated}: a client of one
   * connection for the outbox's blocking read, outside the shared pool. {@code demo}: without SMTP,
   * the log shows each mail's text (codes, links), never outside demo mode.
   */
  public Mailer(Vertx vertx, Redis redisClient, Redis dedicated, MailClient smtp, String from, String consumerName,
                int maxAttempts, long retryBaseMs, boolean demo) {
    this.vertx = vertx;
    this.redis = RedisAPI.api(redisClient);
    this.smtp = smtp;
    this.from = from;
    this.maxAttempts = maxAttempts;
    this.retryBaseMs = retryBaseMs;
    this.demo = demo;
    this.reader = new StreamReader(vertx, redisClient, dedicated, Outbox.GROUP, consumerName, 20);
  }

  public Future<Void> start() {
    poller = vertx.setPeriodic(POLL_MS, t -> DUE.run(redis, List.of(Outbox.RETRY, Outbox.STREAM), "100")
      .onFailure(e -> log.warn("mail retry poll failed: {}", e.getMessage())));
    return reader.start().compose(v -> reader.add(Outbox.STREAM, this::deliverAll));
  }

  public Future<Void> stop() {
    vertx.cancelTimer(poller);
    return reader.stop();
  }

  private Future<Void> deliverAll(List<StreamReader.Entry> entries) {
    return Future.all(entries.stream().map(this::deliver).toList()).mapEmpty();
  }

  /** Settles one mail: sent, scheduled again, or parked. Fails only when Redis does. */
  private Future<Void> deliver(StreamReader.Entry entry) {
    JsonObject mail = new JsonObject()
      .put("id", entry.fields().getOrDefault("id", entry.id()))
      .put("kind", entry.fields().get("kind"))
      .put("to", entry.fields().get("to"))
      .put("lang", entry.fields().get("lang"))
      .put("params", entry.fields().get("params"))
      .put("attempts", Integer.parseInt(entry.fields().getOrDefault("attempts", "0")));
    return vertx.executeBlocking(() -> templates.render(mail.getString("kind"), mail.getString("lang"),
        new JsonObject(mail.getString("params")).getMap()), false)
      .compose(rendered -> transmit(mail, rendered))
      .transform(sent -> sent.succeeded()
        ? redis.hincrby(Outbox.STATS, "sent", "1").mapEmpty()
        : failed(mail.put("error", String.valueOf(sent.cause().getMessage())), mail.getString("to")));
  }

  private Future<Void> transmit(JsonObject mail, MailTemplates.Rendered rendered) {
    if (smtp == null && demo) {
      // A demo has no mailbox: the text is the only way to read its code or follow its link.
      log.info("mail {} (no SMTP host configured, demo mode) to {}: {}\n{}", mail.getString("kind"), mail.getString("to"),
        rendered.subject(), rendered.text());
      return Future.succeededFuture();
    }
    if (smtp == null) {
      // Kind, recipient and subject only: bodies hold codes, links and passwords.
      log.info("mail {} (no SMTP host configured) to {}: {}", mail.getString("kind"), mail.getString("to"),
        rendered.subject());
      return Future.succeededFuture();
    }
    return smtp.sendMail(new MailMessage().setFrom(from).setTo(mail.getString("to")).setSubject(rendered.subject())
      .setText(rendered.text()).setHtml(rendered.html())).mapEmpty();
  }

  private Future<Void> failed(JsonObject mail, String to) {
    int attempts = mail.getInteger("attempts") + 1;
    mail.put("attempts", attempts);
    if (attempts >= maxAttempts) {
      log.error("mail {} to {} failed {} times; parked: {}", mail.getString("kind"), to, attempts, mail.getString("error"));
      // Parked without its parameters (codes, links): admins see what failed, not the secrets.
      JsonObject parked = mail.copy();
      parked.remove("params");
      return redis.lpush(List.of(Outbox.DEAD, parked.encode()))
        .compose(v -> redis.ltrim(Outbox.DEAD, "0", Integer.toString(DEAD_KEPT - 1)))
        .compose(v -> redis.hincrby(Outbox.STATS, "failed", "1")).mapEmpty();
    }
    long delay = retryBaseMs << Math.min(attempts - 1, 16);
    log.warn("mail {} to {} failed (attempt {}), retrying in {} ms: {}", mail.getString("kind"), to, attempts, delay,
      mail.getString("error"));
    mail.remove("error");
    return redis.time().compose(time -> {
        long now = time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
        return redis.zadd(List.of(Outbox.RETRY, Long.toString(now + delay), mail.encode()));
      })
      .compose(v -> redis.hincrby(Outbox.STATS, "retried", "1")).mapEmpty();
  }
}
