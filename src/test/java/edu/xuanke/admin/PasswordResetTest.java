package edu.xuanke.admin;

import edu.xuanke.mail.Outbox;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.Smtp;
import edu.xuanke.support.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reset gives a temporary password once, ends the student's session and mails them. */
class PasswordResetTest {

  private final Smtp smtp = new Smtp();
  private Service service;
  private Fixture fixture;
  private List<String> students;
  private long termId;
  private String admin;

  @BeforeEach
  void setUp() throws Exception {
    smtp.start();
    service = new Service(TestConfig.json().put("smtpHost", "127.0.0.1").put("smtpPort", smtp.port)
      .put("importActivationMail", true));
    fixture = service.freshStores();
    Fixture.Term term = fixture.openTerm(2);
    termId = term.id;
    students = term.students("PR", 1);
    fixture.admin("office");
    service.start();
    admin = service.login("office");
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
    smtp.close();
  }

  private HttpResponse<Buffer> login(String studentId, String password) {
    return service.http.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("studentId", studentId).put("password", password)).await();
  }

  @Test
  void aResetGivesATemporaryPasswordEndsTheSessionAndMailsThatItWasReset() {
    String student = students.get(0);
    String oldToken = service.login(student);

    HttpResponse<Buffer> reset = service.http.post("/api/admin/students/" + student + "/reset-password")
      .bearerTokenAuthentication(admin).send().await();

    assertEquals(200, reset.statusCode(), reset.bodyAsString());
    assertEquals("no-store", reset.getHeader("Cache-Control"));
    String temporary = reset.bodyAsJsonObject().getString("temporaryPassword");
    assertEquals(401, service.http.get("/api/me").bearerTokenAuthentication(oldToken).send().await().statusCode());
    assertEquals(401, login(student, Fixture.PASSWORD).statusCode());
    HttpResponse<Buffer> fresh = login(student, temporary);
    assertEquals(200, fresh.statusCode());
    assertTrue(fresh.bodyAsJsonObject().getJsonObject("user").getBoolean("mustChangePassword"));
    MimeMessage mail = smtp.await(1, 10_000).get(0);
    assertEquals(List.of(student.toLowerCase() + "@example.edu.cn"), Smtp.recipients(mail).toList());
    assertTrue(Smtp.text(mail).contains("教务处已重置你的密码"), Smtp.text(mail));
    assertFalse(Smtp.text(mail).contains(temporary), "the temporary password is not mailed: " + Smtp.text(mail));
    assertEquals(List.of("1"), fixture.rows("SELECT must_change_password FROM accounts WHERE student_id = ?", student));
  }

  @Test
  void theTemporaryPasswordIsShownEvenWhenTheMailCannotBeQueued() {
    String student = students.get(0);
    // The outbox stream's key holding a string makes XADD fail: the mail step fails after the password changed.
    service.redis.set(List.of(Outbox.STREAM, "not a stream")).await();

    HttpResponse<Buffer> reset = service.http.post("/api/admin/students/" + student + "/reset-password")
      .bearerTokenAuthentication(admin).send().await();

    assertEquals(200, reset.statusCode(), reset.bodyAsString());
    String temporary = reset.bodyAsJsonObject().getString("temporaryPassword");
    assertEquals(200, login(student, temporary).statusCode());
  }

  @Test
  void unknownStudentsAndAdminsCannotBeReset() {
    assertEquals(404, service.http.post("/api/admin/students/NOBODY/reset-password").bearerTokenAuthentication(admin)
      .send().await().statusCode());
    assertEquals(404, service.http.post("/api/admin/students/office/reset-password").bearerTokenAuthentication(admin)
      .send().await().statusCode());
  }

  @Test
  void importedStudentsWithAnEmailAreMailedAnActivationLink() {
    HttpResponse<Buffer> started = service.http.post("/api/admin/students/import?termId=" + termId).bearerTokenAuthentication(admin)
      .sendMultipartForm(io.vertx.ext.web.multipart.MultipartForm.create().binaryFileUpload("file", "s.csv",
        Buffer.buffer("学号,姓名,邮箱\nMAIL0001,有邮箱,mail1@example.edu.cn\nMAIL0002,没有邮箱,\n"), "text/csv")).await();
    assertEquals(202, started.statusCode(), started.bodyAsString());
    MimeMessage mail = smtp.await(1, 15_000).get(0);
    assertEquals(List.of("mail1@example.edu.cn"), Smtp.recipients(mail).toList());
    assertTrue(Smtp.text(mail).contains("/activate?token="), Smtp.text(mail));
    assertEquals(1, smtp.await(1, 1_000).size(), "only the student with an email is mailed");
  }
}
