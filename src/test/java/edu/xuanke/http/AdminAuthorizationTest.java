package edu.xuanke.http;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every admin route, as the router has them (so a new one cannot be left out), answers 401
 * without a token and 403 FORBIDDEN to a student, and an admin gets through.
 */
class AdminAuthorizationTest {

  private Service service;
  private Fixture fixture;
  private String student;
  private String admin;
  private long termId;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    Fixture.Term term = fixture.openTerm(2);
    termId = term.id;
    term.section("C1", 5, 1, "08:00", "10:00");
    List<String> students = term.students("AZ", 1);
    fixture.admin("office");
    service.start();
    student = service.login(students.get(0));
    admin = service.login("office");
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  /** "METHOD /path" of every admin route (the pages' sub-router included), path parameters filled in. */
  private static Set<String> adminRoutes() {
    Vertx vertx = Vertx.vertx();
    try {
      Set<String> routes = new TreeSet<>();
      collect(ApiRouter.create(vertx, TestConfig.config()), routes);
      return routes;
    } finally {
      vertx.close().await();
    }
  }

  private static void collect(Router router, Set<String> routes) {
    for (Route route : router.getRoutes()) {
      if (route.getSubRouter() != null) collect(route.getSubRouter(), routes);
      String path = route.getPath();
      if (path == null || route.methods() == null || route.methods().isEmpty()) continue;
      if (!path.startsWith("/api/admin") && !path.startsWith("/admin")) continue;
      for (HttpMethod method : route.methods()) {
        // HEAD runs the GET route's handlers, authorization included.
        if (method != HttpMethod.HEAD) routes.add(method.name() + " " + path.replaceAll(":\\w+", "1"));
      }
    }
  }

  /** API routes take the token as a bearer token, pages as the session cookie. */
  private HttpResponse<Buffer> call(String route, String token) {
    String[] parts = route.split(" ", 2);
    HttpRequest<Buffer> request = service.http.request(HttpMethod.valueOf(parts[0]), parts[1] + "?termId=" + termId)
      .followRedirects(false);
    if (token != null && isPage(route)) request.putHeader("Cookie", TokenAuth.COOKIE + "=" + token);
    else if (token != null) request.bearerTokenAuthentication(token);
    return request.send().await();
  }

  private static boolean isPage(String route) {
    return route.split(" ", 2)[1].startsWith("/admin");
  }

  @Test
  void everyAdminRouteRefusesAnonymousCallersAndStudents() {
    Set<String> routes = adminRoutes();
    assertTrue(routes.contains("POST /api/admin/students/import"), routes.toString());
    assertTrue(routes.contains("GET /api/admin/export"), routes.toString());
    assertTrue(routes.size() >= 20, routes.toString());
    assertTrue(routes.contains("GET /admin/students"), routes.toString());
    for (String route : List.of("GET /api/admin/students/1", "PUT /api/admin/students/1", "POST /api/admin/students/1/deactivate",
        "POST /api/admin/students/1/reactivate", "POST /api/admin/students/1/selections",
        "DELETE /api/admin/students/1/selections/1", "DELETE /api/admin/students/1/waitlist/1", "GET /admin/students/1")) {
      assertTrue(routes.contains(route), route + " in " + routes);
    }
    List<String> wrong = new ArrayList<>();
    for (String route : routes) {
      if (isPage(route)) {
        HttpResponse<Buffer> anonymous = call(route, null);
        if (anonymous.statusCode() != 303 || !anonymous.getHeader("Location").startsWith("/login")) {
          wrong.add(route + " without a session: " + anonymous.statusCode());
        }
        HttpResponse<Buffer> asStudent = call(route, student);
        if (asStudent.statusCode() != 403 || !asStudent.getHeader("Content-Type").startsWith("text/html")) {
          wrong.add(route + " as a student: " + asStudent.statusCode());
        }
        continue;
      }
      HttpResponse<Buffer> anonymous = call(route, null);
      if (anonymous.statusCode() != 401 || !"UNAUTHENTICATED".equals(Service.errorCode(anonymous))) {
        wrong.add(route + " without a token: " + anonymous.statusCode() + " " + anonymous.bodyAsString());
      }
      HttpResponse<Buffer> asStudent = call(route, student);
      if (asStudent.statusCode() != 403 || !"FORBIDDEN".equals(Service.errorCode(asStudent))) {
        wrong.add(route + " as a student: " + asStudent.statusCode() + " " + asStudent.bodyAsString());
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void anAdminGetsThrough() {
    HttpResponse<Buffer> terms = call("GET /api/admin/terms", admin);
    assertEquals(200, terms.statusCode(), terms.bodyAsString());
    assertEquals(termId, terms.bodyAsJsonArray().getJsonObject(0).getLong("id"));
    HttpResponse<Buffer> stats = call("GET /api/admin/stats", admin);
    assertEquals(200, stats.statusCode(), stats.bodyAsString());
    assertEquals(5L, stats.bodyAsJsonObject().getJsonObject("totals").getLong("capacity"));
    for (String page : List.of("GET /admin", "GET /admin/catalog", "GET /admin/students")) {
      HttpResponse<Buffer> html = call(page, admin);
      assertEquals(200, html.statusCode(), page + ": " + html.bodyAsString());
      assertTrue(html.getHeader("Content-Security-Policy").contains("script-src 'self'"));
      assertTrue(html.bodyAsString().contains("/static/admin.js?v="), page);
    }
    assertTrue(call("GET /admin/students", admin).bodyAsString().contains("AZ0001"));
    HttpResponse<Buffer> student = call("GET /admin/students/AZ0001", admin);
    assertEquals(200, student.statusCode(), student.bodyAsString());
    assertEquals(404, call("GET /admin/students/NOBODY", admin).statusCode());
    assertTrue(call("GET /admin/catalog", admin).bodyAsString().contains("C1 title"));
  }
}
