package edu.xuanke.mail.impl;

import edu.xuanke.mail.MailService;
import io.vertx.core.Future;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class MailServiceImpl implements MailService {

  private static final Logger log = LoggerFactory.getLogger(MailServiceImpl.class);

  private final MailClient client;
  private final String from;

  /** {@code client} null: mails are logged, not sent. */
  public MailServiceImpl(MailClient client, String from) {
    this.client = client;
    this.from = from;
  }

  @Override
  public Future<Void> send(String to, String subject, String text) {
    if (client == null) {
      log.info("mail (no SMTP host configured) to {}: {}\n{}", to, subject, text);
      return Future.succeededFuture();
    }
    return client.sendMail(new MailMessage().setFrom(from).setTo(to).setSubject(subject).setText(text)).mapEmpty();
  }
}
