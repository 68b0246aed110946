package edu.xuanke.mail;

import edu.xuanke.core.ServiceCalls;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Sends mail; with no SMTP host configured the mail goes to the log instead. */
@ProxyGen
@VertxGen
public interface MailService {

  String ADDRESS = "xuanke.mail";

  static MailService createProxy(Vertx vertx) {
    return new MailServiceVertxEBProxy(vertx, ADDRESS, ServiceCalls.delivery());
  }

  Future<Void> send(String to, String subject, String text);
}
