package edu.xuanke.http;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets the API's error body (README, "Errors"; webroot/openapi.yaml) with a 4xx and changes nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpErrorsTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long section;
  private String token;

  @BeforeAll
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    section = term.section("C1", 10, 1, "08:00", "10:00");
    String student = term.students("E", 2).get(0);
    service.start();
    token = service.login(student);
  }

  @AfterAll
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  @Test
  void malformedJsonIsBadRequest() {
    assertError(400, "BAD_REQUEST", post("/api/selections", "{\"sectionId\": ", token));
    assertError(400, "BAD_REQUEST", post("/api/selections", "[1, 2]", token));
    assertError(400, "BAD_REQUEST", post("/api/selections", "", token));
  }

  @Test
  void wrongTypesAreBadRequestNamingTheField() {
    JsonObject error = assertError(400, "BAD_REQUEST", post("/api/selections", "{\"sectionId\": \"x\"}", token));
    assertEquals("NOT_AN_ID", error.getJsonObject("details").getJsonObject("fields").getString("sectionId"));
    assertError(400, "BAD_REQUEST", post("/api/selections", "{\"sectionId\": 1.5}", token));
    assertError(400, "BAD_REQUEST", post("/api/selections", "{\"sectionId\": " + section + ", \"waitlist\": \"yes\"}", token));
    assertError(400, "BAD_REQUEST", post("/api/selections/swap", "{\"from\": " + section + "}", token));
    assertError(400, "BAD_REQUEST", post("/api/auth/login", "{\"studentId\": 5, \"password\": \"x\"}", null));
    assertError(400, "BAD_REQUEST", service.http.delete("/api/selections/abc").bearerTokenAuthentication(token).send().await());
    assertError(400, "BAD_REQUEST", service.http.get("/api/sections?termId=-3").bearerTokenAuthentication(token).send().await());
  }

  @Test
  void bodiesMustBeDeclaredJson() {
    // A cross-site form can post text/plain with the cookie; it cannot post application/json.
    HttpResponse<Buffer> plain = service.http.post("/api/selections").bearerTokenAuthentication(token)
      .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("{\"sectionId\": " + section + "}")).await();
    JsonObject error = assertError(400, "BAD_REQUEST", plain);
    assertEquals("NOT_JSON", error.getJsonObject("details").getJsonObject("fields").getString("Content-Type"));
  }

  @Test
  void oversizedBodyIs413() {
    String big = "{\"sectionId\": " + section + ", \"pad\": \"" + "x".repeat(10_000) + "\"}";
    assertError(413, "PAYLOAD_TOO_LARGE", post("/api/selections", big, token));
  }

  @Test
  void unknownSectionIs404() {
    assertError(404, "SECTION_NOT_FOUND", service.http.get("/api/sections/424242").bearerTokenAuthentication(token).send().await());
  }

  @Test
  void unknownRouteIs404() {
    assertError(404, "NOT_FOUND", service.http.get("/api/nothing-here").bearerTokenAuthentication(token).send().await());
  }

  @Test
  void missingOrForgedTokenIs401() {
    assertError(401, "UNAUTHENTICATED", service.http.get("/api/selections").send().await());
    assertError(401, "UNAUTHENTICATED", service.http.get("/api/selections").bearerTokenAuthentication(token + "x").send().await());
    assertError(401, "UNAUTHENTICATED", post("/api/selections", "{\"sectionId\": " + section + "}", null));
  }

  @Test
  void wrongPasswordAndUnknownIdAnswerTheSame() {
    HttpResponse<Buffer> wrong = post("/api/auth/login", "{\"studentId\": \"E0001\", \"password\": \"nope-nope\"}", null);
    HttpResponse<Buffer> unknown = post("/api/auth/login", "{\"studentId\": \"ZZ999\", \"password\": \"nope-nope\"}", null);
    assertEquals(assertError(401, "BAD_CREDENTIALS", wrong), assertError(401, "BAD_CREDENTIALS", unknown));
  }

  @Test
  void loginSetsAnHttpOnlyCookieThatAuthenticates() {
    HttpResponse<Buffer> login = post("/api/auth/login",
      new JsonObject().put("studentId", "E0002").put("password", Fixture.PASSWORD).encode(), null);
    String cookie = login.cookies().get(0);
    assertTrue(cookie.toLowerCase().contains("httponly") && cookie.contains("SameSite=Strict"), cookie);
    HttpResponse<Buffer> viaCookie = service.http.get("/api/terms/current")
      .putHeader("Cookie", cookie.substring(0, cookie.indexOf(';'))).send().await();
    assertEquals(200, viaCookie.statusCode());
    assertEquals(term.id, viaCookie.bodyAsJsonObject().getLong("id"));
  }

  @Test
  void messagesFollowAcceptLanguage() {
    HttpResponse<Buffer> en = service.http.get("/api/sections/424242").bearerTokenAuthentication(token)
      .putHeader("Accept-Language", "en-US,en;q=0.9").send().await();
    HttpResponse<Buffer> zh = service.http.get("/api/sections/424242").bearerTokenAuthentication(token)
      .putHeader("Accept-Language", "zh-CN,zh;q=0.9").send().await();
    assertEquals("No such section.", en.bodyAsJsonObject().getJsonObject("error").getString("message"));
    assertEquals("该课程班不存在。", zh.bodyAsJsonObject().getJsonObject("error").getString("message"));
  }

  @Test
  void badInputChangesNothing() {
    Map<String, String> before = service.snapshot(term.id);
    post("/api/selections", "{\"sectionId\": \"" + section + "\"}", token);
    post("/api/selections", "{oops", token);
    assertEquals(before, service.snapshot(term.id));
  }

  private HttpResponse<Buffer> post(String path, String body, String bearer) {
    var request = service.http.post(path).putHeader("Content-Type", "application/json");
    if (bearer != null) request.bearerTokenAuthentication(bearer);
    return request.sendBuffer(Buffer.buffer(body)).await();
  }

  private static JsonObject assertError(int status, String code, HttpResponse<Buffer> response) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertTrue(response.getHeader("Content-Type").startsWith("application/json"));
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(code, error.getString("code"));
    assertFalse(error.getString("message").isBlank());
    assertTrue(error.containsKey("details"));
    assertFalse(response.bodyAsString().contains("Exception"), "no stack trace leaves the service");
    return error;
  }
}
