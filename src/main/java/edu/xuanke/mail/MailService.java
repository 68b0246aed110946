package edu.xuanke.mail;

import edu.xuanke.core.ServiceCalls;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Mail through a durable outbox: {@link #send} only queues (a Redis stream), so a mail survives
 * a restart; delivery retries with exponential backoff and parks mails that keep failing.
 */
@ProxyGen
@VertxGen
public interface MailService {

  String ADDRESS = "xuanke.mail";

  static MailService createProxy(Vertx vertx) {
    return new MailServiceVertxEBProxy(vertx, ADDRESS, ServiceCalls.delivery());
  }

  /**
   * Queues a mail of a kind with a template under src/main/resources/mail (code, activation,
   * promotion, password_reset), in "zh-CN" or "en", with the template's parameters.
   */
  Future<Void> send(String kind, String to, String lang, JsonObject params);

  /** {sent, retried, failed, queued, waitingRetry, dead: [{kind, to, attempts, error}]}. */
  Future<JsonObject> stats();
}
