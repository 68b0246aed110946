package edu.xuanke.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import java.util.List;
import java.util.stream.Stream;

/** A real SMTP server in the test JVM (GreenMail) on a port of its own, which can be stopped and started. */
public final class Smtp implements AutoCloseable {

  public final int port = TestConfig.freePort();
  private GreenMail server;

  public Smtp start() {
    server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    server.start();
    return this;
  }

  public void stop() {
    if (server != null) server.stop();
    server = null;
  }

  /** Waits up to {@code millis} for {@code count} mails in all; returns them. */
  public List<MimeMessage> await(int count, long millis) {
    server.waitForIncomingEmail(millis, count);
    return List.of(server.getReceivedMessages());
  }

  /** The decoded plain-text part of a mail. */
  public static String text(MimeMessage message) {
    try {
      return textOf(message.getContent(), message.getContentType());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String textOf(Object content, String type) throws Exception {
    if (content instanceof String text) return type.toLowerCase().startsWith("text/plain") ? text : null;
    if (content instanceof Multipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart part = multipart.getBodyPart(i);
        String text = textOf(part.getContent(), part.getContentType());
        if (text != null) return text;
      }
    }
    return null;
  }

  public static String subject(MimeMessage message) {
    try {
      return message.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      throw new AssertionError(e);
    }
  }

  public static Stream<String> recipients(MimeMessage message) {
    try {
      return Stream.of(message.getAllRecipients()).map(Object::toString);
    } catch (jakarta.mail.MessagingException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
