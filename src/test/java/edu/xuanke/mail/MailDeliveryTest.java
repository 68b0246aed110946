package edu.xuanke.mail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import edu.xuanke.support.Eventually;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.Smtp;
import edu.xuanke.support.TestConfig;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox: promotion mails, retries while SMTP is down (also across a restart), dead letters. */
class MailDeliveryTest {

  private final Smtp smtp = new Smtp();
  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long section;
  private List<String> students;

  private void prepare(JsonObject overrides) throws Exception {
    service = new Service(TestConfig.json().put("smtpHost", "127.0.0.1").put("smtpPort", smtp.port)
      .put("mailRetryBaseMs", 200).mergeIn(overrides));
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    section = term.section("C1", 1, 1, "08:00", "10:00");
    students = term.students("D", 3);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (service != null) service.close();
    if (fixture != null) fixture.close();
    smtp.close();
  }

  private JsonObject stats() {
    return MailService.createProxy(service.vertx).stats().await();
  }

  @Test
  void aWaitlistPromotionSendsAMail() throws Exception {
    smtp.start();
    prepare(new JsonObject());
    service.start();
    String holder = service.login(students.get(0));
    String waiting = service.login(students.get(1));
    assertEquals(201, service.select(holder, section, false).await().statusCode());
    assertEquals(202, service.select(waiting, section, true).await().statusCode());

    assertEquals(204, service.drop(holder, section).await().statusCode());

    MimeMessage mail = smtp.await(1, 10_000).get(0);
    assertEquals(List.of("d0002@example.edu.cn"), Smtp.recipients(mail).toList());
    assertEquals("候补成功：C1 title", Smtp.subject(mail));
    assertTrue(Smtp.text(mail).contains("C1 title"), Smtp.text(mail));
    Eventually.holds(() -> stats().getLong("sent") == 1, 5_000, "counted as sent");
  }

  @Test
  void whileSmtpIsDownMailsWaitAndArriveOnceItIsUpEvenAfterARestart() throws Exception {
    prepare(new JsonObject().put("mailMaxAttempts", 50));
    service.start();
    String token = service.login(students.get(0));
    assertEquals(202, service.http.post("/api/me/email-code").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("email", "d0001@example.edu.cn")).await().statusCode());
    Eventually.holds(() -> stats().getLong("retried") >= 2, 10_000, "retried while SMTP is down");

    service.stop();
    smtp.start();
    service.start();

    MimeMessage mail = smtp.await(1, 15_000).get(0);
    assertEquals("你的验证码", Smtp.subject(mail));
    Eventually.holds(() -> stats().getLong("sent") == 1, 5_000, "counted as sent");
    assertEquals(0L, stats().getLong("failed"));
  }

  @Test
  void withoutAnSmtpHostTheLogNamesTheMailButNeverItsBody() throws Exception {
    List<String> lines = loggedWithoutSmtp(false);
    assertTrue(lines.stream().anyMatch(line -> line.contains("code") && line.contains("x@example.edu.cn")), lines.toString());
    assertFalse(lines.stream().anyMatch(line -> line.contains("987123")), "the code is not logged: " + lines);
  }

  /** A demo has no mailbox: the code (and any link) is read in the log. */
  @Test
  void inDemoModeWithoutAnSmtpHostTheLogShowsTheCode() throws Exception {
    List<String> lines = loggedWithoutSmtp(true);
    assertTrue(lines.stream().anyMatch(line -> line.contains("x@example.edu.cn") && line.contains("987123")), lines.toString());
  }

  /** What the mailer logs for one code mail with no SMTP host configured. */
  private List<String> loggedWithoutSmtp(boolean demo) throws Exception {
    prepare(new JsonObject().put("smtpHost", "").put("demo", demo));
    Logger mailer = (Logger) LoggerFactory.getLogger(Mailer.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    mailer.addAppender(logged);
    try {
      service.start();
      MailService.createProxy(service.vertx)
        .send("code", "x@example.edu.cn", "en", new JsonObject().put("code", "987123").put("minutes", 2)).await();
      Eventually.holds(() -> stats().getLong("sent") == 1, 10_000, "handed to the log");
      return List.copyOf(logged.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
    } finally {
      mailer.detachAppender(logged);
    }
  }

  @Test
  void aMailThatKeepsFailingIsParked() throws Exception {
    prepare(new JsonObject().put("mailMaxAttempts", 2));
    service.start();
    MailService.createProxy(service.vertx)
      .send("code", "x@example.edu.cn", "en", new JsonObject().put("code", "123456").put("minutes", 2)).await();
    Eventually.holds(() -> stats().getLong("failed") >= 1, 10_000, "parked");
    JsonObject stats = stats();
    assertEquals(1L, stats.getLong("failed"));
    assertEquals(1, stats.getJsonArray("dead").size());
    JsonObject parked = stats.getJsonArray("dead").getJsonObject(0);
    assertEquals("x@example.edu.cn", parked.getString("to"));
    assertEquals(2, parked.getInteger("attempts"));
    assertTrue(!parked.getString("error").isBlank());
  }
}
