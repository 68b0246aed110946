package edu.xuanke.auth;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logins, one session per account, expiry, lockout, profiles. */
class AccountsTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long section;
  private List<String> students;
  private String incomplete;

  private void start(JsonObject overrides) throws Exception {
    service = new Service(TestConfig.json().mergeIn(overrides));
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    section = term.section("C1", 10, 1, "08:00", "10:00");
    students = term.students("U", 3);
    incomplete = fixture.students("P", 1, term.id, false).get(0);
    service.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (service != null) service.close();
    if (fixture != null) fixture.close();
  }

  private HttpResponse<Buffer> login(String studentId, String password, String forwardedFor) {
    var request = service.http.post("/api/auth/login");
    if (forwardedFor != null) request.putHeader("X-Forwarded-For", forwardedFor);
    return request.sendJsonObject(new JsonObject().put("studentId", studentId).put("password", password)).await();
  }

  @Test
  void loginAnswers() throws Exception {
    start(new JsonObject());
    Instant now = Instant.now();
    Fixture.Term over = fixture.term(now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(2)),
      now.minus(Duration.ofDays(2)), 2, true);
    String graduate = over.students("G", 1).get(0);
    String homeless = fixture.students("H", 1, null, true).get(0);

    HttpResponse<Buffer> good = login(students.get(0), Fixture.PASSWORD, null);
    assertEquals(200, good.statusCode());
    JsonObject user = good.bodyAsJsonObject().getJsonObject("user");
    assertEquals(students.get(0), user.getString("studentId"));
    assertEquals("STUDENT", user.getString("role"));
    assertTrue(good.bodyAsJsonObject().getString("expiresAt").endsWith("T00:00:00+08:00"), "ends at the next midnight");

    HttpResponse<Buffer> wrong = login(students.get(0), "wrong-password", null);
    HttpResponse<Buffer> unknown = login("NOBODY", "wrong-password", null);
    assertEquals(401, wrong.statusCode());
    assertEquals(wrong.bodyAsString(), unknown.bodyAsString(), "wrong id and wrong password answer alike");
    assertEquals("BAD_CREDENTIALS", Service.errorCode(wrong));

    assertEquals("NOT_IN_TERM", Service.errorCode(login(graduate, Fixture.PASSWORD, null)));
    assertEquals("NOT_IN_TERM", Service.errorCode(login(homeless, Fixture.PASSWORD, null)));
    assertEquals(403, login(homeless, Fixture.PASSWORD, null).statusCode());

    HttpResponse<Buffer> tooShort = login(students.get(1), "12345", null);
    assertEquals(400, tooShort.statusCode());
    assertEquals("TOO_SHORT", tooShort.bodyAsJsonObject().getJsonObject("error").getJsonObject("details")
      .getJsonObject("fields").getString("password"));
  }

  @Test
  void aSecondLoginEndsTheFirstSession() throws Exception {
    start(new JsonObject());
    String first = service.login(students.get(0));
    assertEquals(200, service.http.get("/api/me").bearerTokenAuthentication(first).send().await().statusCode());
    String second = service.login(students.get(0));

    assertEquals("UNAUTHENTICATED", Service.errorCode(service.http.get("/api/me").bearerTokenAuthentication(first).send().await()));
    // The selection route checks the session inside its script: the old token is refused there too.
    HttpResponse<Buffer> stale = service.select(first, section, false).await();
    assertEquals(401, stale.statusCode());
    assertEquals("UNAUTHENTICATED", Service.errorCode(stale));
    assertEquals(201, service.select(second, section, false).await().statusCode());
  }

  /** The claim once called "mcp": a token still carrying the old name is refused, sessions of before end. */
  @Test
  void aTokenWithoutTheMustChangePasswordClaimIsRefused() throws Exception {
    start(new JsonObject());
    String token = service.login(students.get(0));
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
      StandardCharsets.UTF_8));
    assertEquals(false, claims.getBoolean("mustChangePassword"));
    assertFalse(claims.containsKey("mcp"));

    var jwt = Tokens.provider(service.vertx, service.config);
    JsonObject same = new JsonObject();
    for (String claim : List.of("sub", "uid", "role", "sid", "term")) same.put(claim, claims.getValue(claim));
    String reissued = jwt.generateToken(same.copy().put("mustChangePassword", false));
    assertEquals(200, service.http.get("/api/me").bearerTokenAuthentication(reissued).send().await().statusCode());
    String older = jwt.generateToken(same.copy().put("mcp", false));
    assertEquals("UNAUTHENTICATED", Service.errorCode(service.http.get("/api/me").bearerTokenAuthentication(older).send().await()));
    assertEquals(401, service.select(older, section, false).await().statusCode());
  }

  @Test
  void logoutEndsTheSession() throws Exception {
    start(new JsonObject());
    String token = service.login(students.get(0));
    assertEquals(204, service.http.post("/api/auth/logout").bearerTokenAuthentication(token).send().await().statusCode());
    assertEquals(401, service.http.get("/api/me").bearerTokenAuthentication(token).send().await().statusCode());
    assertEquals(401, service.select(token, section, false).await().statusCode());
    assertEquals(401, service.drop(token, section).await().statusCode());
  }

  @Test
  void sessionsExpire() throws Exception {
    start(new JsonObject().put("sessionTtl", "PT2S"));
    String token = service.login(students.get(0));
    assertEquals(200, service.http.get("/api/me").bearerTokenAuthentication(token).send().await().statusCode());
    Thread.sleep(3_100);
    assertEquals(401, service.http.get("/api/me").bearerTokenAuthentication(token).send().await().statusCode());
    assertEquals(401, service.select(token, section, false).await().statusCode());
  }

  @Test
  void fiveFailuresLockTheAccountForThisAddressUntilTheWindowPasses() throws Exception {
    start(new JsonObject().put("loginFailureWindowSeconds", 3));
    String student = students.get(0);
    for (int i = 0; i < 5; i++) assertEquals(401, login(student, "wrong-password", null).statusCode());

    HttpResponse<Buffer> locked = login(student, Fixture.PASSWORD, null);
    assertEquals(429, locked.statusCode(), "even the right password waits");
    assertEquals("RATE_LIMITED", Service.errorCode(locked));
    int retryAfter = Integer.parseInt(locked.getHeader("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 3, "Retry-After " + retryAfter);
    // Another account from the same address is not affected.
    assertEquals(200, login(students.get(1), Fixture.PASSWORD, null).statusCode());
    // A forged X-Forwarded-For from an untrusted peer changes nothing.
    assertEquals(429, login(student, Fixture.PASSWORD, "10.9.8.7").statusCode());

    Thread.sleep(retryAfter * 1000L + 200);
    assertEquals(200, login(student, Fixture.PASSWORD, null).statusCode());
  }

  @Test
  void oneAddressSprayingManyAccountsIsStopped() throws Exception {
    start(new JsonObject().put("loginFailureLimitPerIp", 4).put("trustedProxies", "127.0.0.1"));
    for (int i = 0; i < 4; i++) {
      assertEquals(401, login(students.get(i % 3), "wrong-password-" + i, "10.1.1.1").statusCode());
    }
    HttpResponse<Buffer> stopped = login(students.get(0), Fixture.PASSWORD, "10.1.1.1");
    assertEquals(429, stopped.statusCode(), "failures across accounts from one address add up");
    assertTrue(Integer.parseInt(stopped.getHeader("Retry-After")) > 0);
    assertEquals(200, login(students.get(0), Fixture.PASSWORD, "10.1.1.2").statusCode(), "other addresses are not affected");
  }

  @Test
  void forwardedForCountsOnlyBehindATrustedProxy() throws Exception {
    start(new JsonObject().put("trustedProxies", "127.0.0.1"));
    String student = students.get(0);
    for (int i = 0; i < 5; i++) assertEquals(401, login(student, "wrong-password", "10.0.0.1").statusCode());
    assertEquals(429, login(student, Fixture.PASSWORD, "10.0.0.1").statusCode());
    assertEquals(200, login(student, Fixture.PASSWORD, "10.0.0.2").statusCode(), "another client behind the proxy");
  }

  @Test
  void profileIsValidatedPerFieldAndCompletingItAllowsSelection() throws Exception {
    start(new JsonObject());
    String token = service.login(incomplete);
    assertEquals("PROFILE_INCOMPLETE", Service.errorCode(service.select(token, section, false).await()));
    JsonObject me = service.http.get("/api/me").bearerTokenAuthentication(token).send().await().bodyAsJsonObject();
    assertEquals(false, me.getBoolean("profileComplete"));

    JsonObject bad = new JsonObject().put("name", "张三").put("gender", "X").put("className", "计算机2301")
      .put("major", "计算机科学与技术").put("college", "不存在学院").put("email", "not-an-email").put("phone", "12345");
    HttpResponse<Buffer> refused = service.http.put("/api/me").bearerTokenAuthentication(token).sendJsonObject(bad).await();
    assertEquals(400, refused.statusCode());
    assertEquals(new JsonObject().put("gender", "NOT_IN_LIST").put("college", "NOT_IN_LIST")
        .put("email", "INVALID_FORMAT").put("phone", "INVALID_FORMAT"),
      refused.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields"));
    HttpResponse<Buffer> missing = service.http.put("/api/me").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("name", "张三")).await();
    assertEquals("REQUIRED", missing.bodyAsJsonObject().getJsonObject("error").getJsonObject("details")
      .getJsonObject("fields").getString("email"));

    List<String> colleges = service.http.get("/api/colleges").bearerTokenAuthentication(token).send().await()
      .bodyAsJsonArray().stream().map(String::valueOf).toList();
    assertEquals(19, colleges.size());
    JsonObject good = bad.copy().put("gender", "F").put("college", colleges.get(8)).put("email", "P0001@example.edu.cn")
      .put("phone", "+86 138-0013-8000");
    HttpResponse<Buffer> saved = service.http.put("/api/me").bearerTokenAuthentication(token).sendJsonObject(good).await();
    assertEquals(200, saved.statusCode(), saved.bodyAsString());
    assertEquals(true, saved.bodyAsJsonObject().getBoolean("profileComplete"));
    assertEquals("P0001@example.edu.cn", saved.bodyAsJsonObject().getString("email"), "the same address, differently cased");
    // A phone typed with +86, spaces and dashes is stored as its 11 digits.
    assertEquals("13800138000", saved.bodyAsJsonObject().getString("phone"));
    assertEquals(List.of("13800138000"), fixture.rows("SELECT phone FROM accounts WHERE student_id = ?", incomplete));
    assertEquals(201, service.select(token, section, false).await().statusCode());

    // Replacing an email already set takes the current password, so a stolen session cannot
    // redirect the codes (and then the password) to another address.
    JsonObject moved = good.copy().put("email", "attacker@example.com");
    HttpResponse<Buffer> withoutPassword = service.http.put("/api/me").bearerTokenAuthentication(token).sendJsonObject(moved).await();
    assertEquals("REQUIRED", withoutPassword.bodyAsJsonObject().getJsonObject("error").getJsonObject("details")
      .getJsonObject("fields").getString("currentPassword"));
    HttpResponse<Buffer> wrongPassword = service.http.put("/api/me").bearerTokenAuthentication(token)
      .sendJsonObject(moved.copy().put("currentPassword", "not-it")).await();
    assertEquals("WRONG", wrongPassword.bodyAsJsonObject().getJsonObject("error").getJsonObject("details")
      .getJsonObject("fields").getString("currentPassword"));
    HttpResponse<Buffer> withPassword = service.http.put("/api/me").bearerTokenAuthentication(token)
      .sendJsonObject(moved.copy().put("currentPassword", Fixture.PASSWORD)).await();
    assertEquals("attacker@example.com", withPassword.bodyAsJsonObject().getString("email"));
  }
}
