package edu.xuanke.http;

import edu.xuanke.core.VertxSettings;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /health answers GET and HEAD, and a flood of probes shares one store check per second (issue 10). */
class HealthTest {

  private Service service;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    service.freshStores().close();
    service.start();
  }

  @AfterEach
  void tearDown() {
    service.close();
  }

  @Test
  void headAnswersLikeGetWithoutABody() {
    HttpResponse<Buffer> get = service.http.get("/health").send().await();
    assertEquals(200, get.statusCode(), get.bodyAsString());
    assertEquals("UP", get.bodyAsJsonObject().getString("status"));
    HttpResponse<Buffer> head = service.http.head("/health").send().await();
    assertEquals(200, head.statusCode());
    assertTrue(head.getHeader("Content-Type").startsWith("application/json"));
    assertNull(head.body(), "a HEAD answer has no body");
  }

  @Test
  void probesWithinASecondShareOneCheck() {
    long started = System.currentTimeMillis();
    Set<String> checks = new TreeSet<>();
    for (int round = 0; round < 10; round++) {
      List<Future<HttpResponse<Buffer>>> probes = new ArrayList<>();
      for (int i = 0; i < 50; i++) probes.add(service.http.get("/health").send());
      for (HttpResponse<Buffer> probe : Future.all(probes).await().<HttpResponse<Buffer>>list()) {
        assertEquals(200, probe.statusCode(), probe.bodyAsString());
        checks.add(probe.bodyAsJsonObject().getString("checkedAt"));
      }
    }
    long seconds = (System.currentTimeMillis() - started) / 1000 + 1;
    int eventLoops = VertxSettings.options().getEventLoopPoolSize();
    // At most one check per event loop and second, plus the one cached before the first probe.
    assertTrue(checks.size() <= (seconds + 1) * eventLoops,
      checks.size() + " checks for 500 probes in " + seconds + " s: " + checks);
    for (String at : checks) assertTrue(Instant.parse(at).toEpochMilli() <= System.currentTimeMillis());
  }
}
