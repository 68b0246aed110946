package edu.xuanke.http;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TcpProxy;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    HttpResponse<Buffer> health = health(503);
    assertEquals("DOWN", status(health, "redis"));
    assertEquals("UP", status(health, "mysql"));
    assertEquals(before, service.snapshot(term.id));

    redisProxy.start();
    assertEquals(201, service.select(token, section, false).await().statusCode());
    health(200);
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

  private static void assertUnavailable(HttpResponse<Buffer> response) {
    assertEquals(503, response.statusCode(), response.bodyAsString());
    assertEquals("UNAVAILABLE", Service.errorCode(response));
  }

  private static String status(HttpResponse<Buffer> health, String id) {
    return health.bodyAsJsonObject().getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(c -> id.equals(c.getString("id"))).findFirst().orElseThrow().getString("status");
  }
}
