package edu.xuanke.auth;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.Smtp;
import edu.xuanke.support.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Email codes over real SMTP (GreenMail), their limits, password changes and activation links. */
class EmailCodeAndPasswordTest {

  private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

  private Smtp smtp;
  private Service service;
  private Fixture fixture;
  private String student;
  private String email;
  private String token;

  private void start(JsonObject overrides) throws Exception {
    smtp = new Smtp().start();
    service = new Service(TestConfig.json().put("smtpHost", "127.0.0.1").put("smtpPort", smtp.port)
      .put("mailRetryBaseMs", 200).mergeIn(overrides));
    fixture = service.freshStores();
    Fixture.Term term = fixture.openTerm(3);
    term.section("C1", 10, 1, "08:00", "10:00");
    student = term.students("M", 2).get(0);
    email = student.toLowerCase() + "@example.edu.cn";
    service.start();
    token = service.login(student);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (service != null) service.close();
    if (fixture != null) fixture.close();
    if (smtp != null) smtp.close();
  }

  private HttpResponse<Buffer> requestCode(String address) {
    return service.http.post("/api/me/email-code").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("email", address)).await();
  }

  private HttpResponse<Buffer> changePassword(String code, String password) {
    return service.http.put("/api/me/password").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("code", code).put("newPassword", password)).await();
  }

  private static String codeIn(MimeMessage mail) {
    Matcher m = CODE.matcher(Smtp.text(mail));
    assertTrue(m.find(), "a 6-digit code in: " + Smtp.text(mail));
    return m.group(1);
  }

  private static String field(HttpResponse<Buffer> response, String field) {
    return response.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields").getString(field);
  }

  @Test
  void codeArrivesByMailAndChangesThePasswordOnce() throws Exception {
    start(new JsonObject());
    assertEquals(202, requestCode(email).statusCode());
    List<MimeMessage> mails = smtp.await(1, 10_000);
    assertEquals(1, mails.size());
    assertEquals(List.of(email), Smtp.recipients(mails.get(0)).toList());
    assertEquals("你的验证码", Smtp.subject(mails.get(0)));
    String code = codeIn(mails.get(0));

    String other = service.login(student); // a second device: every session ends with the change
    token = other;
    assertEquals("WRONG", field(changePassword(code.equals("000000") ? "111111" : "000000", "new-secret-1"), "code"));
    assertEquals(204, changePassword(code, "new-secret-1").statusCode());
    assertEquals(401, service.http.get("/api/me").bearerTokenAuthentication(other).send().await().statusCode());

    assertEquals(401, service.http.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("studentId", student).put("password", Fixture.PASSWORD)).await().statusCode());
    HttpResponse<Buffer> relogin = service.http.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("studentId", student).put("password", "new-secret-1")).await();
    assertEquals(200, relogin.statusCode());
    token = relogin.bodyAsJsonObject().getString("token");
    assertEquals("EXPIRED_OR_USED", field(changePassword(code, "another-secret"), "code"), "a code works once");
  }

  @Test
  void onlyTheProfileAddressGetsACode() throws Exception {
    start(new JsonObject());
    HttpResponse<Buffer> refused = requestCode("someone.else@example.edu.cn");
    assertEquals(400, refused.statusCode());
    assertEquals("NOT_PROFILE_EMAIL", field(refused, "email"));
  }

  @Test
  void oneCodePerMinute() throws Exception {
    start(new JsonObject());
    assertEquals(202, requestCode(email).statusCode());
    HttpResponse<Buffer> again = requestCode(email);
    assertEquals(429, again.statusCode());
    int retryAfter = Integer.parseInt(again.getHeader("Retry-After"));
    assertTrue(retryAfter > 55 && retryAfter <= 60, "Retry-After " + retryAfter);
  }

  @Test
  void fiveCodesPerDay() throws Exception {
    start(new JsonObject().put("emailCodeIntervalSeconds", 1));
    for (int i = 0; i < 5; i++) {
      assertEquals(202, requestCode(email).statusCode(), "code " + (i + 1));
      Thread.sleep(1_050);
    }
    HttpResponse<Buffer> sixth = requestCode(email);
    assertEquals(429, sixth.statusCode());
    assertTrue(Integer.parseInt(sixth.getHeader("Retry-After")) > 86_000, "until the first of the day is a day old");
  }

  @Test
  void expiredCodeIsRefused() throws Exception {
    start(new JsonObject().put("emailCodeTtlSeconds", 1));
    assertEquals(202, requestCode(email).statusCode());
    String code = codeIn(smtp.await(1, 10_000).get(0));
    Thread.sleep(1_500);
    assertEquals("EXPIRED_OR_USED", field(changePassword(code, "new-secret-1"), "code"));
  }

  @Test
  void activationLinkSetsTheFirstPasswordOnce() throws Exception {
    start(new JsonObject());
    AuthService.createProxy(service.vertx).sendActivation(student).await();
    String older = Smtp.text(smtp.await(1, 10_000).get(0));
    AuthService.createProxy(service.vertx).sendActivation(student).await();
    MimeMessage mail = smtp.await(2, 10_000).stream().filter(m -> !Smtp.text(m).equals(older)).findFirst().orElseThrow();
    Matcher olderLink = Pattern.compile("/activate\\?token=(\\S+)").matcher(older);
    assertTrue(olderLink.find());
    HttpResponse<Buffer> superseded = service.http.post("/api/auth/activate")
      .sendJsonObject(new JsonObject().put("token", olderLink.group(1)).put("password", "first-secret")).await();
    assertEquals("USED", field(superseded, "token"), "a newer link voids the older one");
    Matcher link = Pattern.compile("/activate\\?token=(\\S+)").matcher(Smtp.text(mail));
    assertTrue(link.find(), Smtp.text(mail));
    JsonObject body = new JsonObject().put("token", link.group(1)).put("password", "first-secret");

    assertEquals(204, service.http.post("/api/auth/activate").sendJsonObject(body).await().statusCode());
    assertEquals(200, service.http.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("studentId", student).put("password", "first-secret")).await().statusCode());
    HttpResponse<Buffer> reused = service.http.post("/api/auth/activate").sendJsonObject(body).await();
    assertEquals(400, reused.statusCode());
    assertEquals("USED", field(reused, "token"));
    HttpResponse<Buffer> forged = service.http.post("/api/auth/activate")
      .sendJsonObject(body.copy().put("token", link.group(1) + "x")).await();
    assertEquals("INVALID_OR_EXPIRED", field(forged, "token"));
  }
}
