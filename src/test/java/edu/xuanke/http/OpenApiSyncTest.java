package edu.xuanke.http;

import edu.xuanke.core.ErrorCode;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /openapi.yaml documents exactly the routes the router has, method by method. */
class OpenApiSyncTest {

  private static final Pattern PATH = Pattern.compile("^  (/\\S*):\\s*$");
  private static final Pattern METHOD = Pattern.compile("^    (get|post|put|delete|patch):\\s*$");

  @Test
  void everyRouteIsDocumentedAndNothingElse() throws IOException {
    Vertx vertx = Vertx.vertx();
    try {
      Set<String> routed = new TreeSet<>();
      for (Route route : ApiRouter.create(vertx, TestConfig.config()).getRoutes()) {
        if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) continue;
        String path = route.getPath().replaceAll(":(\\w+)", "{$1}");
        for (HttpMethod method : route.methods()) {
          // Every GET route answers HEAD too (RouteTable); the document lists the GETs.
          if (method != HttpMethod.HEAD) routed.add(method.name() + " " + path);
        }
      }
      assertTrue(routed.contains("POST /api/selections"), routed.toString());
      assertEquals(routed, documented());
    } finally {
      vertx.close().await();
    }
  }

  /** The error envelope's code enum is every ErrorCode: the fuzz and response tests validate against it. */
  @Test
  void everyErrorCodeIsDocumented() throws IOException {
    String document;
    try (InputStream in = OpenApiSyncTest.class.getClassLoader().getResourceAsStream("webroot/openapi.yaml")) {
      document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher codes = Pattern.compile("code: \\{type: string, enum: \\[([A-Z_, ]+)]}").matcher(document);
    assertTrue(codes.find(), "the error code enum");
    Set<String> expected = new TreeSet<>();
    for (ErrorCode code : ErrorCode.values()) expected.add(code.name());
    assertEquals(expected, new TreeSet<>(java.util.List.of(codes.group(1).split(", "))));
  }

  @Test
  void theDocumentIsServed() throws Exception {
    try (Service service = new Service(TestConfig.json())) {
      service.freshStores().close();
      service.start();
      HttpResponse<Buffer> response = service.http.get("/openapi.yaml").send().await();
      assertEquals(200, response.statusCode());
      assertTrue(response.getHeader("Content-Type").startsWith("application/yaml"));
      assertTrue(response.bodyAsString().startsWith("openapi: 3."));
    }
  }

  /** GET /metrics: Prometheus text, with the requests just made counted under their route. */
  @Test
  void metricsAreServedInPrometheusFormat() throws Exception {
    try (Service service = new Service(TestConfig.json())) {
      service.freshStores().close();
      service.start();
      assertEquals(200, service.http.get("/openapi.yaml").send().await().statusCode());
      HttpResponse<Buffer> response = service.http.get("/metrics").send().await();
      assertEquals(200, response.statusCode());
      assertTrue(response.getHeader("Content-Type").startsWith("text/plain"), response.getHeader("Content-Type"));
      String text = response.bodyAsString();
      assertTrue(text.lines().anyMatch(line -> line.startsWith("vertx_http_server_requests_total")
        && line.contains("route=\"/openapi.yaml\"") && line.contains("code=\"200\"")), text);
      assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics are on");
      assertTrue(text.lines().noneMatch(line -> line.startsWith("vertx_eventbus_")), "event-bus metrics are off");
    }
  }

  private static Set<String> documented() throws IOException {
    Set<String> documented = new TreeSet<>();
    try (InputStream in = OpenApiSyncTest.class.getClassLoader().getResourceAsStream("webroot/openapi.yaml")) {
      String path = null;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        Matcher p = PATH.matcher(line);
        Matcher m = METHOD.matcher(line);
        if (p.matches()) path = p.group(1);
        else if (!line.startsWith("  ") && !line.isBlank()) path = null;
        else if (path != null && m.matches()) documented.add(m.group(1).toUpperCase() + " " + path);
      }
    }
    return documented;
  }
}
