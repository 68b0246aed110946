package edu.xuanke.http;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.RouterWalk;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the HTTP layer answers by itself: HEAD, 405 with Allow, 414/431/400 in the error format,
 * the HTML 404's headers, no-store on personal data, timeouts that free idle and slow
 * connections while /health stays fast, /metrics behind its own port and token, the bind address.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpProtocolTest {

  private static final String METRICS_TOKEN = "scraper-token-0123456789";
  private Service service;
  private Fixture fixture;
  private WebClient http;
  private int metricsPort;
  private String token;
  private long termId;
  private long section;

  @BeforeAll
  void setUp() throws Exception {
    metricsPort = TestConfig.freePort();
    JsonObject config = TestConfig.json().put("httpHost", "127.0.0.1")
      .put("httpHeaderTimeoutSeconds", 2).put("httpIdleTimeoutSeconds", 3).put("httpBodyTimeoutSeconds", 3)
      .put("metricsPort", metricsPort).put("metricsHost", "127.0.0.1").put("metricsToken", METRICS_TOKEN);
    service = new Service(config);
    fixture = service.freshStores();
    Fixture.Term term = fixture.openTerm(3);
    termId = term.id;
    section = term.section("C1", 10, 1, "08:00", "10:00");
    String student = term.students("H", 1).get(0);
    service.start();
    // Not kept alive: the short idle timeout here must not race a pooled connection's next request.
    http = WebClient.create(service.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(service.config.httpPort()).setKeepAlive(false));
    token = service.login(student);
  }

  @AfterAll
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, boolean authenticated) {
    HttpRequest<Buffer> request = http.request(method, path).followRedirects(false);
    if (authenticated) request.bearerTokenAuthentication(token);
    return request.send().await();
  }

  private static JsonObject error(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertTrue(response.getHeader("Content-Type").startsWith("application/json"), response.getHeader("Content-Type"));
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(code, error.getString("code"));
    return error;
  }

  @Test
  void headIsAnsweredWhereGetIs() {
    for (String path : List.of("/health", "/api/terms/current", "/api/me", "/login", "/openapi.yaml", "/api/seats/stream")) {
      HttpResponse<Buffer> get = send(HttpMethod.GET, path.equals("/api/seats/stream") ? "/api/terms/current" : path, true);
      HttpResponse<Buffer> head = send(HttpMethod.HEAD, path, true);
      assertEquals(200, head.statusCode(), path);
      assertEquals(200, get.statusCode(), path);
      assertTrue(head.body() == null || head.body().length() == 0, path + " has no body");
    }
    assertEquals(401, send(HttpMethod.HEAD, "/api/me", false).statusCode());
  }

  /** Every path of the router, asked with each method it does not take: 405 and the methods it does. */
  @Test
  void aKnownPathWithAnotherMethodIs405WithAllow() {
    Map<String, Set<String>> routes = RouterWalk.routes(service.config);
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, Set<String>> route : routes.entrySet()) {
      String path = RouterWalk.fill(route.getKey(), "1");
      Set<String> allowed = new TreeSet<>(route.getValue());
      // A path template can be served by routes of other templates too (/api/selections/:id and /swap).
      for (String other : routes.keySet()) {
        if (!other.equals(route.getKey()) && path.matches(other.replaceAll(":\\w+", "[^/]+"))) {
          allowed.addAll(routes.get(other));
        }
      }
      if (allowed.contains("GET")) allowed.add("HEAD");
      for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH)) {
        if (allowed.contains(method.name())) continue;
        HttpResponse<Buffer> response = send(method, path, false);
        String code = response.statusCode() == 405 ? response.bodyAsJsonObject().getJsonObject("error").getString("code") : "";
        if (response.statusCode() != 405 || !"METHOD_NOT_ALLOWED".equals(code)
          || !Set.of(response.getHeader("Allow").split(",\\s*")).equals(allowed)) {
          wrong.add(method + " " + path + ": " + response.statusCode() + " Allow " + response.getHeader("Allow")
            + ", expected " + allowed);
        }
      }
    }
    assertTrue(routes.size() > 30, routes.toString());
    assertEquals(List.of(), wrong);
    assertEquals("GET, HEAD", send(HttpMethod.POST, "/api/terms/current", true).getHeader("Allow"));
  }

  @Test
  void anUnknownPathIsStill404() {
    error(send(HttpMethod.DELETE, "/api/nothing-here", true), 404, "NOT_FOUND");
  }

  @Test
  void tooLongLinesAndHeadersAndGarbageGetTheErrorFormat() throws IOException {
    assertRaw("GET /api/terms/current?q=" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "URI_TOO_LONG");
    assertRaw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(20_000) + "\r\n\r\n", 431, "HEADERS_TOO_LARGE");
    assertRaw("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400, "BAD_REQUEST");
    assertRaw("GET /health HTTP/1.7\r\nHost: x\r\n\r\n", 505, "HTTP_VERSION_NOT_SUPPORTED");
    assertRaw("POST /api/auth/login HTTP/2.0\r\nHost: x\r\nAccept-Language: en\r\nContent-Length: 2\r\n\r\n{}", 505,
      "HTTP_VERSION_NOT_SUPPORTED");
  }

  private void assertRaw(String request, int status, String code) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", service.config.httpPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      // Vert.x answers a head it could not parse as HTTP/1.0.
      assertTrue(answer.matches("(?s)HTTP/1\\.[01] " + status + " .*"), answer);
      assertTrue(answer.contains("application/json"), answer);
      JsonObject body = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      assertEquals(code, body.getJsonObject("error").getString("code"));
    }
  }

  @Test
  void theHtml404PageCarriesTheSecurityHeaders() {
    HttpResponse<Buffer> page = http.get("/no-such-page").putHeader("Accept", "text/html").send().await();
    assertEquals(404, page.statusCode());
    assertTrue(page.getHeader("Content-Type").startsWith("text/html"));
    assertTrue(page.getHeader("Content-Security-Policy").contains("frame-ancestors 'none'"));
    assertEquals("DENY", page.getHeader("X-Frame-Options"));
    assertEquals("nosniff", page.getHeader("X-Content-Type-Options"));
    assertEquals("no-store", page.getHeader("Cache-Control"));
  }

  @Test
  void answersWithPersonalDataAreNotStored() {
    for (String path : List.of("/api/me", "/api/selections", "/api/selections.ics", "/api/terms/current")) {
      HttpResponse<Buffer> response = send(HttpMethod.GET, path, true);
      assertEquals(200, response.statusCode(), path);
      assertEquals("no-store", response.getHeader("Cache-Control"), path);
    }
  }

  @Test
  void metricsAreOnTheirOwnPortBehindTheToken() {
    error(send(HttpMethod.GET, "/metrics", false), 404, "NOT_FOUND");
    WebClient scraper = WebClient.create(service.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(metricsPort).setKeepAlive(false));
    error(scraper.get("/metrics").send().await(), 401, "UNAUTHENTICATED");
    error(scraper.get("/metrics").bearerTokenAuthentication("wrong").send().await(), 401, "UNAUTHENTICATED");
    HttpResponse<Buffer> scraped = scraper.get("/metrics").bearerTokenAuthentication(METRICS_TOKEN).send().await();
    assertEquals(200, scraped.statusCode());
    assertTrue(scraped.bodyAsString().contains("jvm_memory_used_bytes"));

    // The persistence lag (stream append → MySQL commit) appears once a change was persisted.
    service.select(token, section, false).await();
    service.drain(termId);
    String after = scraper.get("/metrics").bearerTokenAuthentication(METRICS_TOKEN).send().await().bodyAsString();
    assertTrue(after.contains("xuanke_persistence_lag_seconds{quantile=\"0.99\"}"), after);
  }

  @Test
  void theListenerBindsOnlyTheConfiguredAddress() throws IOException {
    Optional<InetAddress> other = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
      .flatMap(NetworkInterface::inetAddresses)
      .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
    try (Socket local = new Socket("127.0.0.1", service.config.httpPort())) {
      assertTrue(local.isConnected());
    }
    if (other.isPresent()) {
      assertThrows(IOException.class, () -> {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress(other.get(), service.config.httpPort()), 2_000);
        }
      });
    }
  }

  /**
   * 1,000 connections that dribble a request head and 2,000 that send nothing: /health answers
   * quickly meanwhile, and the server closes them all once their deadlines pass.
   */
  @Test
  void slowAndIdleConnectionsAreClosedAndHealthStaysFast() {
    Vertx clients = Vertx.vertx();
    try {
      NetClient net = clients.createNetClient(new NetClientOptions().setConnectTimeout(10_000));
      AtomicInteger closedByServer = new AtomicInteger();
      List<Future<NetSocket>> opening = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        boolean slow = i < 1_000;
        opening.add(net.connect(service.config.httpPort(), "127.0.0.1").onSuccess(socket -> {
          socket.closeHandler(v -> closedByServer.incrementAndGet());
          if (slow) {
            socket.write("GET /health HTTP/1.1\r\n");
            long timer = clients.setPeriodic(500, t -> socket.write("X-Slow: 1\r\n"));
            socket.closeHandler(v -> {
              clients.cancelTimer(timer);
              closedByServer.incrementAndGet();
            });
          }
        }));
      }
      Future.all(opening).await();
      long slowest = 0;
      for (int i = 0; i < 5; i++) {
        long started = System.nanoTime();
        assertEquals(200, http.get("/health").send().await().statusCode());
        slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
      }
      assertTrue(slowest < 2_000, "/health took " + slowest + " ms with 3,000 connections held");
      long deadline = System.currentTimeMillis() + 30_000;
      while (closedByServer.get() < 3_000 && System.currentTimeMillis() < deadline) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      assertEquals(3_000, closedByServer.get(), "connections the server closed");
      assertEquals(200, http.get("/health").send().await().statusCode());
    } finally {
      clients.close().await();
    }
  }

  /** A body that never finishes is dropped with its connection. */
  @Test
  void aBodyThatNeverArrivesIsDropped() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", service.config.httpPort())) {
      socket.setSoTimeout(15_000);
      socket.getOutputStream().write(("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100\r\n\r\n{\"studentId\":").getBytes(StandardCharsets.ISO_8859_1));
      long started = System.currentTimeMillis();
      InputStream in = socket.getInputStream();
      assertEquals(-1, in.read(), "closed without an answer");
      long waited = System.currentTimeMillis() - started;
      assertTrue(waited >= 2_000 && waited < 12_000, "closed after " + waited + " ms");
    }
  }
}
