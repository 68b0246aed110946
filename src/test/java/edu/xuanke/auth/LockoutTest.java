package edu.xuanke.auth;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lockout counts accounts as the lookup finds them (every spelling of an id is one account
 * with one lock), counts a burst of guesses before hashing any, and counts wrong current
 * passwords with wrong logins. Profiles refuse control and bidi characters.
 */
class LockoutTest {

  private Service service;
  private Fixture fixture;
  private List<String> students;
  private Fixture.Term term;

  private void start(JsonObject overrides) throws Exception {
    service = new Service(TestConfig.json().mergeIn(overrides));
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    term.section("C1", 10, 1, "08:00", "10:00");
    students = term.students("U", 3);
    fixture.admin("office");
    service.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (service != null) service.close();
    if (fixture != null) fixture.close();
  }

  private HttpResponse<Buffer> login(String studentId, String password) {
    return service.http.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("studentId", studentId).put("password", password)).await();
  }

  private static JsonObject fields(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields");
  }

  private static void assertLocked(HttpResponse<Buffer> response, String what) {
    assertEquals(429, response.statusCode(), what + ": " + response.bodyAsString());
    assertEquals("RATE_LIMITED", Service.errorCode(response), what);
    assertTrue(Integer.parseInt(response.getHeader("Retry-After")) > 0, what);
  }

  @Test
  void everySpellingOfAStudentIdIsOneAccountWithOneLock() throws Exception {
    start(new JsonObject());
    assertEquals("U0001", students.get(0));
    for (String spelling : List.of("U0001", "u0001", "U0001 ", "ｕ0001", "Ｕ０００１")) {
      assertEquals(401, login(spelling, "wrong-password").statusCode(), spelling);
    }
    for (String spelling : List.of("U0001", "u0001", "U0001    ", " U0001", "ｕ0001", "Ｕ0001", "\u3000U0001")) {
      assertLocked(login(spelling, Fixture.PASSWORD), "'" + spelling + "' with the right password while locked");
    }
    assertEquals(200, login("u0002", Fixture.PASSWORD).statusCode(), "another account is not affected");
    HttpResponse<Buffer> padded = login(" u0002\u3000", Fixture.PASSWORD);
    assertEquals("U0002", padded.bodyAsJsonObject().getJsonObject("user").getString("studentId"), "the stored id");
  }

  @Test
  void adminUsernamesAreCaseInsensitiveWithOneLock() throws Exception {
    start(new JsonObject());
    for (String spelling : List.of("office", "OFFICE", "Office", "office ", "ｏｆｆｉｃｅ")) {
      HttpResponse<Buffer> ok = login(spelling, Fixture.PASSWORD);
      assertEquals(200, ok.statusCode(), spelling);
      JsonObject user = ok.bodyAsJsonObject().getJsonObject("user");
      assertEquals("office", user.getString("studentId"), "the account as stored, whatever the spelling");
      assertEquals("ADMIN", user.getString("role"));
    }
    for (String spelling : List.of("OFFICE", "Office", "office ", "ｏｆｆｉｃｅ", "ＯＦＦＩＣＥ")) {
      assertEquals(401, login(spelling, "wrong-password").statusCode(), spelling);
    }
    assertLocked(login("office", Fixture.PASSWORD), "five spellings, one lock");
  }

  @Test
  void idsOutsideTheAlphabetAreRefusedBeforeAnythingIsCountedOrHashed() throws Exception {
    start(new JsonObject().put("loginFailureLimitPerIp", 3));
    for (String bad : List.of("U0001;", "U 0001", "U0001\u0000", "Ü0001", "U0001\u202E", "U".repeat(33), "", "学号")) {
      HttpResponse<Buffer> refused = login(bad, "wrong-password");
      assertEquals(400, refused.statusCode(), bad);
      assertEquals("VALIDATION_FAILED", Service.errorCode(refused));
      assertEquals("INVALID_FORMAT", fields(refused).getString("studentId"));
    }
    // None of them used the address's three failures.
    for (int i = 0; i < 3; i++) assertEquals(401, login(students.get(i), "wrong-password").statusCode());
    assertLocked(login(students.get(0), Fixture.PASSWORD), "the fourth failure from the address");
  }

  /**
   * 700 wrong logins from one address at once, 500 allowed: exactly 500 are checked (each a
   * 401 after its hash), the other 200 are refused before hashing. The hashes are made slow
   * enough that, were the count taken after hashing, all 700 would pass the check.
   */
  @Test
  void aBurstOfWrongLoginsIsCheckedNoMoreThanTheLimit() throws Exception {
    int limit = 500;
    int burst = 700;
    start(new JsonObject().put("loginFailureLimitPerIp", limit).put("passwordIterations", 4_000).put("hashQueueLimit", 10_000));
    WebClient client = WebClient.create(service.vertx, new WebClientOptions().setDefaultHost("localhost")
      .setDefaultPort(service.config.httpPort()), new PoolOptions().setHttp1MaxSize(burst));
    try {
      List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
      for (int i = 1; i <= burst; i++) {
        sent.add(client.post("/api/auth/login").sendJsonObject(
          new JsonObject().put("studentId", String.format("X%04d", i)).put("password", "wrong-password")));
      }
      Future.all(sent).await();
      Map<Integer, Long> byStatus = sent.stream().collect(Collectors.groupingBy(f -> f.result().statusCode(), Collectors.counting()));
      assertEquals(Map.of(401, (long) limit, 429, (long) (burst - limit)), byStatus);
      for (Future<HttpResponse<Buffer>> answer : sent) {
        if (answer.result().statusCode() == 429) assertNotNull(answer.result().getHeader("Retry-After"));
      }
      assertLocked(login(students.get(0), Fixture.PASSWORD), "the address stays locked for the window");
    } finally {
      client.close();
    }
  }

  /**
   * Right passwords meeting a full hashing queue (503, nothing checked) give their reservations
   * back: a crowd behind one address at the opening does not lock that address. (While checks are
   * in flight they hold their reservations, so the limit is set above the crowd here.)
   */
  @Test
  void checksThatCouldNotBeMadeDoNotCount() throws Exception {
    int limit = 45;
    start(new JsonObject().put("hashQueueLimit", 1).put("loginFailureLimitPerIp", limit));
    List<String> crowd = fixture.students("W", 40, term.id, true, PasswordHasher.hashNow(Fixture.PASSWORD, 100_000));
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (String id : crowd) {
      sent.add(service.http.post("/api/auth/login").sendJsonObject(new JsonObject().put("studentId", id).put("password", Fixture.PASSWORD)));
    }
    Future.join(sent).await();
    Map<Integer, Long> byStatus = sent.stream().collect(Collectors.groupingBy(f -> f.result().statusCode(), Collectors.counting()));
    assertEquals(40L, byStatus.getOrDefault(200, 0L) + byStatus.getOrDefault(503, 0L), byStatus.toString());
    assertTrue(byStatus.getOrDefault(503, 0L) >= 3, "the queue turned some away: " + byStatus);

    for (int i = 1; i <= limit; i++) {
      assertEquals(401, login(String.format("X%04d", i), "wrong-password").statusCode(), "wrong password " + i);
    }
    assertLocked(login(students.get(0), Fixture.PASSWORD), "the wrong passwords, and only they, counted");
  }

  @Test
  void wrongCurrentPasswordsCountWithWrongLogins() throws Exception {
    start(new JsonObject());
    String student = students.get(0);
    String token = service.login(student);
    JsonObject profile = service.http.get("/api/me").bearerTokenAuthentication(token).send().await().bodyAsJsonObject();
    JsonObject newEmail = new JsonObject();
    for (String field : List.of("name", "gender", "className", "major", "college", "phone")) newEmail.put(field, profile.getValue(field));
    newEmail.put("email", "elsewhere@example.com").put("currentPassword", "wrong-password");

    for (int i = 0; i < 3; i++) assertEquals(401, login(student, "wrong-password").statusCode());
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> wrong = service.http.put("/api/me").bearerTokenAuthentication(token).sendJsonObject(newEmail).await();
      assertEquals("WRONG", fields(wrong).getString("currentPassword"));
    }
    assertLocked(service.http.put("/api/me").bearerTokenAuthentication(token)
      .sendJsonObject(newEmail.copy().put("currentPassword", Fixture.PASSWORD)).await(), "an email change, even with the right password");
    assertLocked(login(student, Fixture.PASSWORD), "a login, after 3 wrong logins and 2 wrong current passwords");
    assertEquals(profile.getString("email"), service.http.get("/api/me").bearerTokenAuthentication(token).send().await()
      .bodyAsJsonObject().getString("email"), "the email is unchanged");

    // A one-time password being replaced: wrong current passwords lock the same way.
    String oneTime = students.get(1);
    service.mysql.preparedQuery("UPDATE accounts SET must_change_password = TRUE WHERE student_id = ?")
      .execute(io.vertx.sqlclient.Tuple.of(oneTime)).await();
    String oneTimeToken = service.login(oneTime);
    JsonObject replace = new JsonObject().put("currentPassword", "wrong-password").put("newPassword", "my-own-secret");
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> wrong = service.http.put("/api/me/password").bearerTokenAuthentication(oneTimeToken)
        .sendJsonObject(replace).await();
      assertEquals("BAD_CREDENTIALS", Service.errorCode(wrong));
    }
    assertLocked(service.http.put("/api/me/password").bearerTokenAuthentication(oneTimeToken)
      .sendJsonObject(replace.copy().put("currentPassword", Fixture.PASSWORD)).await(), "the right one-time password while locked");
    assertLocked(login(oneTime, Fixture.PASSWORD), "the login of that account");
  }

  @Test
  void profileFieldsRefuseControlAndBidiCharacters() throws Exception {
    start(new JsonObject());
    String token = service.login(students.get(0));
    JsonObject before = service.http.get("/api/me").bearerTokenAuthentication(token).send().await().bodyAsJsonObject();
    JsonObject profile = new JsonObject();
    for (String field : List.of("name", "gender", "className", "major", "college", "email", "phone")) {
      profile.put(field, before.getValue(field));
    }
    Map<String, String> sneaky = Map.of("name", "Eve\r\nSet-Cookie: x", "className", "C\u00001", "major", "\u202Eevil",
      "phone", "138\t00000000", "email", "u0001\u200B@example.edu.cn");
    for (Map.Entry<String, String> field : sneaky.entrySet()) {
      HttpResponse<Buffer> refused = service.http.put("/api/me").bearerTokenAuthentication(token)
        .sendJsonObject(profile.copy().put(field.getKey(), field.getValue())).await();
      assertEquals(400, refused.statusCode(), field.getKey());
      assertEquals(new JsonObject().put(field.getKey(), "INVALID_CHARACTERS"), fields(refused));
    }
    assertEquals(before, service.http.get("/api/me").bearerTokenAuthentication(token).send().await().bodyAsJsonObject(),
      "nothing changed");
  }
}
