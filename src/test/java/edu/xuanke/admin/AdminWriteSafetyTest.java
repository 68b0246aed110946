package edu.xuanke.admin;

import edu.xuanke.core.AppConfig;
import edu.xuanke.course.TermKeys;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admin writes: a retry with the same Idempotency-Key applies once; a write past its deadline is not applied (issue 10, item 4). */
class AdminWriteSafetyTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private String admin;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    term.section("C1", 10, 1, "08:00", "10:00");
    fixture.admin("office");
    service.start();
    admin = service.login("office");
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  @Test
  void aRetryWithTheSameKeyCreatesOneTerm() {
    JsonObject body = newTerm("spring");
    HttpResponse<Buffer> first = createTerm("key-1", body);
    HttpResponse<Buffer> retry = createTerm("key-1", body);
    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertEquals(201, retry.statusCode(), retry.bodyAsString());
    assertEquals(first.bodyAsJsonObject(), retry.bodyAsJsonObject());
    assertNull(first.getHeader("Idempotent-Replayed"));
    assertEquals("true", retry.getHeader("Idempotent-Replayed"));
    assertEquals(List.of("1"), fixture.rows("SELECT COUNT(*) FROM terms WHERE name = 'spring'"));

    HttpResponse<Buffer> reused = createTerm("key-1", newTerm("autumn"));
    assertEquals(422, reused.statusCode(), reused.bodyAsString());
    assertEquals("IDEMPOTENCY_KEY_REUSED", Service.errorCode(reused));
    assertEquals(List.of("0"), fixture.rows("SELECT COUNT(*) FROM terms WHERE name = 'autumn'"));

    // Another admin's key of the same name is another key.
    HttpResponse<Buffer> noKey = createTerm(null, newTerm("summer"));
    assertEquals(201, noKey.statusCode());
    assertEquals(400, createTerm("bad key with spaces", newTerm("winter")).statusCode());
  }

  @Test
  void concurrentRetriesApplyOnce() {
    JsonObject body = newTerm("parallel");
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 8; i++) sent.add(request("key-2").sendJsonObject(body));
    Set<Long> ids = new TreeSet<>();
    for (HttpResponse<Buffer> answer : Future.join(sent).await().<HttpResponse<Buffer>>list()) {
      if (answer.statusCode() == 201) ids.add(answer.bodyAsJsonObject().getLong("id"));
      else assertEquals("IDEMPOTENCY_IN_FLIGHT", Service.errorCode(answer), answer.bodyAsString());
    }
    assertEquals(1, ids.size(), "every 201 names the one term: " + ids);
    assertEquals(List.of("1"), fixture.rows("SELECT COUNT(*) FROM terms WHERE name = 'parallel'"));
  }

  /** The term's row is locked by another transaction until the edit's budget is spent: the edit is rolled back. */
  @Test
  void aWriteWhoseDeadlinePassesIsNotApplied() throws Exception {
    Map<String, String> redisBefore = service.snapshot(term.id);
    List<String> mysqlBefore = fixture.rows("SELECT name, max_sections_per_student FROM terms WHERE id = ?", term.id);
    JsonObject change = new JsonObject().put("name", "renamed").put("maxSectionsPerStudent", 7);
    AppConfig config = TestConfig.config();
    Future<HttpResponse<Buffer>> answer;
    try (Connection lock = DriverManager.getConnection("jdbc:mariadb://" + config.mysqlHost() + ":" + config.mysqlPort()
      + "/" + config.mysqlDatabase(), config.mysqlUser(), config.mysqlPassword())) {
      lock.setAutoCommit(false);
      try (PreparedStatement ps = lock.prepareStatement("SELECT id FROM terms WHERE id = ? FOR UPDATE")) {
        ps.setLong(1, term.id);
        ps.executeQuery().close();
      }
      answer = request("key-3").method(io.vertx.core.http.HttpMethod.PUT).uri("/api/admin/terms/" + term.id)
        .sendJsonObject(change);
      Thread.sleep(6_500);   // past the edit's budget (5 s), before the caller's own 10 s
      lock.commit();
    }
    HttpResponse<Buffer> refused = answer.await();
    assertEquals(503, refused.statusCode(), refused.bodyAsString());
    assertEquals("UNAVAILABLE", Service.errorCode(refused));
    service.vertx.timer(500).await();
    assertEquals(mysqlBefore, fixture.rows("SELECT name, max_sections_per_student FROM terms WHERE id = ?", term.id));
    assertEquals(redisBefore, service.snapshot(term.id));

    // A 503 is not kept: the retry with the same key runs, now in time.
    HttpResponse<Buffer> retried = request("key-3").method(io.vertx.core.http.HttpMethod.PUT)
      .uri("/api/admin/terms/" + term.id).sendJsonObject(change).await();
    assertEquals(200, retried.statusCode(), retried.bodyAsString());
    assertEquals(List.of("renamed|7"), fixture.rows("SELECT name, max_sections_per_student FROM terms WHERE id = ?", term.id));
    assertEquals("7", service.redis.hget(new TermKeys(term.id).term(), "max").await().toString());
  }

  private HttpResponse<Buffer> createTerm(String key, JsonObject body) {
    return request(key).sendJsonObject(body).await();
  }

  private HttpRequest<Buffer> request(String key) {
    HttpRequest<Buffer> request = service.http.post("/api/admin/terms").bearerTokenAuthentication(admin);
    if (key != null) request.putHeader("Idempotency-Key", key);
    return request;
  }

  private static JsonObject newTerm(String name) {
    Instant now = Instant.now();
    return new JsonObject().put("name", name)
      .put("selectionOpensAt", now.plus(Duration.ofDays(10)).toString())
      .put("selectionClosesAt", now.plus(Duration.ofDays(11)).toString())
      .put("dropClosesAt", now.plus(Duration.ofDays(12)).toString())
      .put("maxSectionsPerStudent", 3);
  }
}
