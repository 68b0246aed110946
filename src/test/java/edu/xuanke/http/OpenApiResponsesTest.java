package edu.xuanke.http;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.OpenApiDocument;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real answers of every documented operation, successes and refusals, checked against
 * /openapi.yaml: the status is documented and the body matches its schema. The document is read
 * strictly, so a schema defined twice fails here too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiResponsesTest {

  private final OpenApiDocument document = new OpenApiDocument();
  private final List<String> problems = new ArrayList<>();
  private final Set<String> called = new TreeSet<>();
  private Service service;
  private Fixture fixture;
  private long termId;
  private long section;
  private long other;
  private String student;
  private String admin;

  @BeforeAll
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    Fixture.Term term = fixture.openTerm(3);
    termId = term.id;
    section = term.section("C1", 10, 1, "08:00", "10:00");
    other = term.section("C2", 10, 2, "08:00", "10:00");
    List<String> students = term.students("A", 2);
    fixture.admin("office");
    service.start();
    student = service.login(students.get(0));
    admin = service.login("office");
  }

  @AfterAll
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  private HttpResponse<Buffer> call(String method, String template, String path, String token, JsonObject body) {
    OpenApiDocument.Operation operation = document.operation(method, template)
      .orElseThrow(() -> new AssertionError("not documented: " + method + " " + template));
    HttpRequest<Buffer> request = service.http.request(HttpMethod.valueOf(method), path).followRedirects(false);
    if (token != null) request.bearerTokenAuthentication(token);
    HttpResponse<Buffer> response = body == null ? request.send().await() : request.sendJsonObject(body).await();
    called.add(method + " " + template);
    problems.addAll(document.problems(operation, response));
    return response;
  }

  @Test
  void everyOperationAnswersAsDocumented() {
    // Successes, as a student.
    call("GET", "/health", "/health", null, null);
    call("GET", "/openapi.yaml", "/openapi.yaml", null, null);
    call("GET", "/metrics", "/metrics", null, null);
    call("GET", "/api/me", "/api/me", student, null);
    call("GET", "/api/me", "/api/me", admin, null);
    call("GET", "/api/colleges", "/api/colleges", student, null);
    call("GET", "/api/terms/current", "/api/terms/current", student, null);
    call("GET", "/api/sections", "/api/sections?termId=" + termId, student, null);
    call("GET", "/api/sections/{id}", "/api/sections/" + section, student, null);
    call("GET", "/api/seats", "/api/seats?termId=" + termId, student, null);
    assertEquals(201, call("POST", "/api/selections", "/api/selections", student,
      new JsonObject().put("sectionId", section)).statusCode());
    call("GET", "/api/selections", "/api/selections", student, null);
    call("GET", "/api/selections.ics", "/api/selections.ics", student, null);
    call("POST", "/api/selections/swap", "/api/selections/swap", student, new JsonObject().put("from", section).put("to", other));
    call("DELETE", "/api/selections/{sectionId}", "/api/selections/" + other, student, null);
    // Refusals the issue found undocumented.
    call("GET", "/api/sections", "/api/sections?termId=424242", student, null);
    call("GET", "/api/seats", "/api/seats?termId=424242", student, null);
    call("GET", "/api/sections/{id}", "/api/sections/0", student, null);
    call("POST", "/api/selections/swap", "/api/selections/swap", student, new JsonObject().put("from", section).put("to", 424242));
    call("DELETE", "/api/selections/{sectionId}", "/api/selections/0", student, null);
    call("POST", "/api/selections", "/api/selections", student, new JsonObject().put("sectionId", "x"));
    call("GET", "/api/me", "/api/me", null, null);
    call("GET", "/api/admin/terms", "/api/admin/terms", student, null);
    // Every documented operation at least once more, as the admin, with its path filled and an empty body:
    // whatever it answers must be documented.
    for (OpenApiDocument.Operation operation : document.operations()) {
      if (operation.path().equals("/api/auth/logout") || operation.path().endsWith("/stream")) continue;
      String path = operation.filled(operation.path().contains("jobId") ? "no-such-job" : "424242");
      boolean write = !operation.method().equals("GET") && !operation.method().equals("DELETE");
      call(operation.method(), operation.path(), path + (path.contains("?") ? "&" : "?") + "termId=" + termId, admin,
        write ? new JsonObject() : null);
    }
    call("POST", "/api/auth/logout", "/api/auth/logout", student, new JsonObject());
    Set<String> documented = new TreeSet<>();
    document.operations().forEach(o -> documented.add(o.method() + " " + o.path()));
    documented.removeIf(o -> o.endsWith("/stream"));
    assertEquals(documented, called);
    assertEquals(List.of(), problems);
  }

  @Test
  void theDocumentIsOpenApi31WithNoSchemaTwice() {
    assertTrue(document.json().getString("openapi").startsWith("3.1"));
    assertTrue(document.schema("Term").containsKey("properties"));
  }
}
