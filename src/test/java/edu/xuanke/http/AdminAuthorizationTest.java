package edu.xuanke.http;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
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

  /** "METHOD /path" of every admin route, path parameters filled in. */
  private static Set<String> adminRoutes() {
    Vertx vertx = Vertx.vertx();
    try {
      Set<String> routes = new TreeSet<>();
      for (Route route : ApiRouter.create(vertx, TestConfig.config()).getRoutes()) {
        String path = route.getPath();
        if (path == null || route.methods() == null || route.methods().isEmpty()) continue;
        if (!path.startsWith("/api/admin") && !path.startsWith("/admin")) continue;
        for (HttpMethod method : route.methods()) routes.add(method.name() + " " + path.replaceAll(":\\w+", "1"));
      }
      return routes;
    } finally {
      vertx.close().await();
    }
  }

  private HttpResponse<Buffer> call(String route, String token) {
    String[] parts = route.split(" ", 2);
    HttpRequest<Buffer> request = service.http.request(HttpMethod.valueOf(parts[0]), parts[1] + "?termId=" + termId);
    if (token != null) request.bearerTokenAuthentication(token);
    return request.send().await();
  }

  @Test
  void everyAdminRouteRefusesAnonymousCallersAndStudents() {
    Set<String> routes = adminRoutes();
    assertTrue(routes.contains("POST /api/admin/students/import"), routes.toString());
    assertTrue(routes.contains("GET /api/admin/export"), routes.toString());
    assertTrue(routes.size() >= 20, routes.toString());
    List<String> wrong = new ArrayList<>();
    for (String route : routes) {
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
  }
}
