package edu.xuanke.http;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.RouterWalk;
import edu.xuanke.support.Service;
import edu.xuanke.support.TcpProxy;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis or MySQL out of reach: 503 UNAVAILABLE, nothing changed, and recovery when they return. */
class StoreOutageTest {

  private Vertx proxies;
  private TcpProxy redisProxy;
  private TcpProxy mysqlProxy;
  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long section;
  private List<String> students;

  @BeforeEach
  void setUp() throws Exception {
    proxies = Vertx.vertx();
    redisProxy = new TcpProxy(proxies, 6379).start();
    mysqlProxy = new TcpProxy(proxies, 3306).start();
    JsonObject direct = TestConfig.json().put("redisTimeoutMs", 800);
    JsonObject proxied = direct.copy()
      .put("redisUrl", "redis://127.0.0.1:" + redisProxy.port + "/" + TestConfig.REDIS_DB)
      .put("mysqlPort", mysqlProxy.port);
    service = new Service(proxied, direct);
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    section = term.section("C1", 10, 1, "08:00", "10:00");
    students = term.students("O", 3);
    fixture.admin("outageadmin");
    service.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
    proxies.close().await();
  }

  @Test
  void redisDownAnswers503AndChangesNothing() {
    String token = service.login(students.get(0));
    Map<String, String> before = service.snapshot(term.id);

    redisProxy.cut();
    assertUnavailable(service.select(token, section, false).await());
    assertUnavailable(service.drop(token, section).await());
    assertUnavailable(service.http.get("/api/seats").bearerTokenAuthentication(token).send().await());
    HttpResponse<Buffer> health = health(503);
    assertEquals("DOWN", status(health, "redis"));
    assertEquals("UP", status(health, "mysql"));
    assertEquals(before, service.snapshot(term.id));

    redisProxy.start();
    assertEquals(201, service.select(token, section, false).await().statusCode());
    health(200);
    assertEquals(List.of(), service.audit(term.id));
  }

  /**
   * Redis away for a while ({@code -Dxuanke.test.redisOutageSeconds}, default 3; the 10 s
   * with 10): every selection meanwhile is answered 503 within a second, none hangs, and the
   * service takes selections again by itself once Redis is back.
   */
  @Test
  void redisAwayAnswersEachSelectionWithin1sAndRecoversByItself() throws Exception {
    List<String> tokens = students.stream().map(service::login).toList();
    redisProxy.cut();
    long until = System.currentTimeMillis() + 1000L * Long.getLong("xuanke.test.redisOutageSeconds", 3);
    int answered = 0;
    while (System.currentTimeMillis() < until) {
      List<Long> started = new ArrayList<>();
      List<Future<HttpResponse<Buffer>>> wave = new ArrayList<>();
      for (String token : tokens) {
        started.add(System.nanoTime());
        wave.add(service.select(token, section, false));
      }
      for (int i = 0; i < wave.size(); i++) {
        HttpResponse<Buffer> response = wave.get(i).await();
        long ms = (System.nanoTime() - started.get(i)) / 1_000_000;
        assertUnavailable(response);
        assertTrue(ms <= 1000, "answered after " + ms + " ms");
        answered++;
      }
      Thread.sleep(100);
    }
    assertTrue(answered >= 3, "selections were tried during the outage");

    redisProxy.start();
    long back = System.currentTimeMillis();
    HttpResponse<Buffer> selected = service.select(tokens.get(0), section, false).await();
    while (selected.statusCode() != 201 && System.currentTimeMillis() - back < 5_000) {
      Thread.sleep(100);
      selected = service.select(tokens.get(0), section, false).await();
    }
    assertEquals(201, selected.statusCode(), selected.bodyAsString());
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void mysqlDownStopsLoginsButNotSelectionsAndThePersisterCatchesUp() {
    String token = service.login(students.get(0));

    mysqlProxy.cut();
    assertUnavailable(service.http.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("studentId", students.get(1)).put("password", Fixture.PASSWORD)).await());
    HttpResponse<Buffer> health = health(503);
    assertEquals("DOWN", status(health, "mysql"));
    // Selection needs only Redis; the accepted change waits in the stream.
    assertEquals(201, service.select(token, section, false).await().statusCode());

    mysqlProxy.start();
    assertEquals(List.of(), service.audit(term.id));
    health(200);
  }

  /**
   * The first /health answer with {@code status}: the store checks are cached for a second, so
   * a change shows within about 1.5 s (bounded here at 5 s for a busy machine).
   */
  private HttpResponse<Buffer> health(int status) {
    long deadline = System.currentTimeMillis() + 5_000;
    while (true) {
      HttpResponse<Buffer> health = service.http.get("/health").send().await();
      if (health.statusCode() == status) return health;
      if (System.currentTimeMillis() > deadline) throw new AssertionError("/health still answers " + health.bodyAsString());
      service.vertx.timer(100).await();
    }
  }

  /** With MySQL away every route of the router answers as usual or 503 UNAVAILABLE, never another 5xx. */
  @Test
  void everyRouteAnswers503OrWorksWhileMySqlIsDown() {
    assertEveryRouteSurvives(mysqlProxy);
  }

  /** Likewise with Redis away (sessions live there: most routes stop at the session check). */
  @Test
  void everyRouteAnswers503OrWorksWhileRedisIsDown() {
    assertEveryRouteSurvives(redisProxy);
  }

  private void assertEveryRouteSurvives(TcpProxy store) {
    String student = service.login(students.get(0));
    String admin = service.login("outageadmin");
    // Plausible values for the fields routes read, so that requests get past validation to the stores.
    JsonObject body = new JsonObject().put("sectionId", section).put("from", section).put("to", section)
      .put("termId", term.id).put("waitlist", true).put("studentId", students.get(1)).put("name", "Outage")
      .put("email", "o@example.com").put("code", "123456").put("newPassword", "new-password-1")
      .put("password", Fixture.PASSWORD).put("token", "x").put("gender", "F").put("className", "C")
      .put("major", "M").put("college", "理学院").put("phone", "13800000000").put("capacity", 12);
    Map<String, Set<String>> routes = RouterWalk.routes(service.config);
    store.cut();
    // All at once, as an outage meets them; logout last: it ends the session the other calls use.
    Map<String, Future<HttpResponse<Buffer>>> answers = new TreeMap<>();
    for (Map.Entry<String, Set<String>> route : routes.entrySet()) {
      if (route.getKey().equals("/api/auth/logout")) continue;
      for (String method : route.getValue()) {
        answers.put(method + " " + route.getKey(), call(method, route.getKey(), body, route.getKey().contains("admin") ? admin : student));
      }
    }
    Future.join(List.copyOf(answers.values())).await();
    answers.put("POST /api/auth/logout", Future.succeededFuture(call("POST", "/api/auth/logout", body, student).await()));
    List<String> wrong = new ArrayList<>();
    int unavailable = 0;
    for (Map.Entry<String, Future<HttpResponse<Buffer>>> answer : answers.entrySet()) {
      if (answer.getValue().failed()) {
        wrong.add(answer.getKey() + ": " + answer.getValue().cause());
        continue;
      }
      HttpResponse<Buffer> response = answer.getValue().result();
      if (response.statusCode() == 503) unavailable++;
      if (response.statusCode() >= 500 && !isUnavailable(response)) {
        wrong.add(answer.getKey() + ": " + response.statusCode() + " " + response.bodyAsString());
      }
    }
    assertEquals(List.of(), wrong);
    assertTrue(unavailable >= 10, unavailable + " routes answered 503");
    store.start();
    assertEquals(200, service.http.get("/health").send().await().statusCode());
  }

  private Future<HttpResponse<Buffer>> call(String method, String template, JsonObject body, String token) {
    boolean page = !template.startsWith("/api/") && !template.equals("/health");
    String path = RouterWalk.fill(template, template.contains("jobId") || template.contains("studentId") ? students.get(1)
      : Long.toString(section)) + "?termId=" + term.id;
    // A stream is asked with HEAD: its headers tell whether it would start, and it does not stay open.
    HttpMethod verb = template.endsWith("/stream") ? HttpMethod.HEAD : HttpMethod.valueOf(method);
    HttpRequest<Buffer> request = service.http.request(verb, path).followRedirects(false).timeout(30_000);
    if (page) request.putHeader("Cookie", TokenAuth.COOKIE + "=" + token);
    else request.bearerTokenAuthentication(token);
    return method.equals("GET") || method.equals("DELETE") ? request.send() : request.sendJsonObject(body);
  }

  private static boolean isUnavailable(HttpResponse<Buffer> response) {
    if (response.statusCode() != 503) return false;
    String type = response.getHeader("Content-Type");
    // Pages answer a 503 as an HTML error page, /health with its checks, the API with its error body.
    if (type == null || response.body() == null || type.startsWith("text/html")) return type != null;
    JsonObject json = response.bodyAsJsonObject();
    JsonObject error = json.getJsonObject("error");
    return error == null ? json.containsKey("checks") : "UNAVAILABLE".equals(error.getString("code"));
  }

  private static void assertUnavailable(HttpResponse<Buffer> response) {
    assertEquals(503, response.statusCode(), response.bodyAsString());
    assertEquals("UNAVAILABLE", Service.errorCode(response));
  }

  private static String status(HttpResponse<Buffer> health, String id) {
    return health.bodyAsJsonObject().getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(c -> id.equals(c.getString("id"))).findFirst().orElseThrow().getString("status");
  }
}
