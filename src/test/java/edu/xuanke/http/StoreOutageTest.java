package edu.xuanke.http;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TcpProxy;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
    JsonObject direct = TestConfig.json();
    JsonObject proxied = direct.copy()
      .put("redisUrl", "redis://127.0.0.1:" + redisProxy.port + "/" + TestConfig.REDIS_DB)
      .put("mysqlPort", mysqlProxy.port);
    service = new Service(proxied, direct);
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    section = term.section("C1", 10, 1, "08:00", "10:00");
    students = term.students("O", 3);
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
    HttpResponse<Buffer> health = service.http.get("/health").send().await();
    assertEquals(503, health.statusCode());
    assertEquals("DOWN", status(health, "redis"));
    assertEquals("UP", status(health, "mysql"));
    assertEquals(before, service.snapshot(term.id));

    redisProxy.start();
    assertEquals(201, service.select(token, section, false).await().statusCode());
    assertEquals(200, service.http.get("/health").send().await().statusCode());
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
    HttpResponse<Buffer> health = service.http.get("/health").send().await();
    assertEquals(503, health.statusCode());
    assertEquals("DOWN", status(health, "mysql"));
    // Selection needs only Redis; the accepted change waits in the stream.
    assertEquals(201, service.select(token, section, false).await().statusCode());

    mysqlProxy.start();
    assertEquals(List.of(), service.audit(term.id));
    assertEquals(200, service.http.get("/health").send().await().statusCode());
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
