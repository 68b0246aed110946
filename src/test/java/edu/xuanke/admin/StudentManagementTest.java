package edu.xuanke.admin;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The course office's student management through the API: edits with every field error at once,
 * deactivation (login refused, history kept), selecting and dropping on a student's behalf through
 * the students' scripts (same refusals, recorded as the office's in MySQL and shown to the student),
 * re-adding an existing 学号 asks, and the one-time passwords file with names until it expires.
 */
class StudentManagementTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long small;
  private long clash;
  private long other;
  private List<String> students;
  private String admin;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    small = term.section("ONE", 1, 1, "08:00", "10:00");
    clash = term.section("TWO", 5, 1, "09:00", "11:00");
    other = term.section("THREE", 5, 2, "08:00", "10:00");
    students = term.students("SM", 2);
    fixture.admin("office");
    service.start();
    admin = service.login("office");
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  private HttpResponse<Buffer> send(String method, String path, JsonObject body) {
    var request = service.http.request(io.vertx.core.http.HttpMethod.valueOf(method), path).bearerTokenAuthentication(admin);
    return (body == null ? request.send() : request.sendJsonObject(body)).await();
  }

  private HttpResponse<Buffer> login(String studentId) {
    return service.http.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("studentId", studentId).put("password", Fixture.PASSWORD)).await();
  }

  @Test
  void anEditNamesEveryBadFieldAtOnceThenSaves() {
    String student = students.get(0);
    HttpResponse<Buffer> refused = send("PUT", "/api/admin/students/" + student, new JsonObject()
      .put("name", "新名字").put("gender", "X").put("college", "不存在学院").put("email", "no-at").put("phone", "12"));
    assertEquals(400, refused.statusCode(), refused.bodyAsString());
    assertEquals(new JsonObject().put("gender", "INVALID_GENDER").put("college", "UNKNOWN_COLLEGE")
        .put("email", "INVALID_EMAIL").put("phone", "INVALID_PHONE"),
      refused.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields"));
    assertEquals(List.of("Name " + student), fixture.rows("SELECT name FROM accounts WHERE student_id = ?", student));

    HttpResponse<Buffer> saved = send("PUT", "/api/admin/students/" + student, new JsonObject()
      .put("name", "新名字").put("gender", "女").put("className", "C9").put("major", "数学").put("college", "理学院")
      .put("email", "new@example.edu.cn").put("phone", "138 0013 8000"));
    assertEquals(200, saved.statusCode(), saved.bodyAsString());
    assertEquals("新名字", saved.bodyAsJsonObject().getString("name"));
    assertEquals(List.of("新名字|F|C9|13800138000"),
      fixture.rows("SELECT name, gender, class_name, phone FROM accounts WHERE student_id = ?", student));
    assertEquals(404, send("PUT", "/api/admin/students/NOBODY1", new JsonObject().put("name", "x")).statusCode());
    assertEquals(404, send("PUT", "/api/admin/students/office", new JsonObject().put("name", "x")).statusCode(),
      "an admin is not a student to edit");
  }

  @Test
  void aDeactivatedStudentCannotLogInAndKeepsTheHistory() {
    String student = students.get(0);
    String token = service.login(student);
    assertEquals(201, service.select(token, other, false).await().statusCode());

    HttpResponse<Buffer> deactivated = send("POST", "/api/admin/students/" + student + "/deactivate", null);
    assertEquals(200, deactivated.statusCode(), deactivated.bodyAsString());
    assertFalse(deactivated.bodyAsJsonObject().getBoolean("active"));

    assertEquals(401, service.http.get("/api/me").bearerTokenAuthentication(token).send().await().statusCode(),
      "the session ended");
    HttpResponse<Buffer> refused = service.http.post("/api/auth/login").putHeader("Accept-Language", "zh-CN")
      .sendJsonObject(new JsonObject().put("studentId", student).put("password", Fixture.PASSWORD)).await();
    assertEquals(403, refused.statusCode());
    assertEquals("ACCOUNT_DEACTIVATED", Service.errorCode(refused));
    assertTrue(refused.bodyAsJsonObject().getJsonObject("error").getString("message").contains("停用"));
    HttpResponse<Buffer> wrong = service.http.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("studentId", student).put("password", "wrong-password")).await();
    assertEquals("BAD_CREDENTIALS", Service.errorCode(wrong), "a guesser learns nothing of the deactivation");
    edu.xuanke.support.PageSession page = new edu.xuanke.support.PageSession(service.http);
    page.get("/login");
    HttpResponse<Buffer> form = page.post("/login", io.vertx.core.MultiMap.caseInsensitiveMultiMap()
      .add("studentId", student).add("password", Fixture.PASSWORD).add("next", "/"));
    assertEquals(403, form.statusCode());
    assertTrue(form.bodyAsString().contains("该账号已被教务处停用"), "the login page says it in words: " + form.bodyAsString());

    HttpResponse<Buffer> enrol = send("POST", "/api/admin/students/" + student + "/selections",
      new JsonObject().put("sectionId", small));
    assertEquals(403, enrol.statusCode(), enrol.bodyAsString());
    assertEquals("NOT_IN_TERM", Service.errorCode(enrol), "nothing is selected for a deactivated student");
    service.drain(term.id);
    assertEquals(List.of("ENROLLED"), fixture.rows("SELECT state FROM enrollments WHERE student_id = ?", student),
      "the seat and its history stay");
    HttpResponse<Buffer> view = send("GET", "/api/admin/students/" + student, null);
    assertEquals(1, view.bodyAsJsonObject().getJsonObject("selections").getJsonArray("enrolled").size());

    assertEquals(200, send("POST", "/api/admin/students/" + student + "/reactivate", null).statusCode());
    assertEquals(200, login(student).statusCode());
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void theOfficeSelectsAndDropsOnAStudentsBehalfThroughTheSameChecks() {
    String student = students.get(0);
    String rival = service.login(students.get(1));
    String base = "/api/admin/students/" + student.toLowerCase() + "/selections";

    HttpResponse<Buffer> enrolled = send("POST", base, new JsonObject().put("sectionId", small));
    assertEquals(201, enrolled.statusCode(), enrolled.bodyAsString());
    assertEquals(0L, enrolled.bodyAsJsonObject().getLong("seatsLeft"));
    assertEquals("SECTION_FULL", Service.errorCode(service.select(rival, small, false).await()));
    HttpResponse<Buffer> conflict = send("POST", base, new JsonObject().put("sectionId", clash));
    assertEquals(409, conflict.statusCode());
    assertEquals("TIME_CONFLICT", Service.errorCode(conflict));

    HttpResponse<Buffer> rivalAsked = send("POST", "/api/admin/students/" + students.get(1) + "/selections",
      new JsonObject().put("sectionId", small));
    assertEquals(409, rivalAsked.statusCode());
    assertEquals("SECTION_FULL", Service.errorCode(rivalAsked), "the office gets no seat a student would not");
    HttpResponse<Buffer> waiting = send("POST", "/api/admin/students/" + students.get(1) + "/selections",
      new JsonObject().put("sectionId", small).put("waitlist", true));
    assertEquals(202, waiting.statusCode(), waiting.bodyAsString());

    service.drain(term.id);
    assertEquals(List.of("ENROLLED|office"),
      fixture.rows("SELECT state, actor FROM enrollments WHERE student_id = ? AND section_id = ?", student, small));
    assertEquals(List.of("ENROLL|office"),
      fixture.rows("SELECT type, actor FROM selection_events WHERE student_id = ? AND section_id = ?", student, small));
    HttpResponse<Buffer> own = service.http.get("/api/selections").bearerTokenAuthentication(service.login(student)).send().await();
    assertTrue(own.bodyAsJsonObject().getJsonArray("enrolled").getJsonObject(0).getBoolean("byOffice"),
      "the student sees the office took the seat: " + own.bodyAsString());

    String export = send("GET", "/api/admin/export?termId=" + term.id + "&format=csv", null).bodyAsString(StandardCharsets.UTF_8.name());
    assertTrue(export.lines().anyMatch(line -> line.startsWith(student + ",") && line.endsWith(",教务处代选（office）")), export);

    HttpResponse<Buffer> dropped = send("DELETE", base + "/" + small, null);
    assertEquals(204, dropped.statusCode(), dropped.bodyAsString());
    assertEquals("NOT_ENROLLED", Service.errorCode(send("DELETE", base + "/" + small, null)));
    service.drain(term.id);
    assertEquals(List.of("DROPPED|office"),
      fixture.rows("SELECT state, actor FROM enrollments WHERE student_id = ? AND section_id = ?", student, small));
    assertEquals(List.of("ENROLLED|null"), fixture.rows(
      "SELECT state, actor FROM enrollments WHERE student_id = ? AND section_id = ?", students.get(1), small),
      "the waitlist head's promotion is theirs, not the office's");
    assertEquals(List.of(), service.audit(term.id));
    assertEquals(404, send("POST", "/api/admin/students/NOBODY1/selections", new JsonObject().put("sectionId", small)).statusCode());
  }

  @Test
  void aStudentOfATermThatIsOverIsShownFromMySqlWithoutReloadingTheTerm() throws Exception {
    java.time.Instant now = java.time.Instant.now();
    Fixture.Term past = fixture.term(now.minus(java.time.Duration.ofDays(30)), now.minus(java.time.Duration.ofDays(20)),
      now.minus(java.time.Duration.ofDays(20)), 2, true);
    long section = past.section("OLD", 5, 1, "08:00", "10:00");
    String student = past.students("PAST", 1).get(0);
    fixture.execute("INSERT INTO enrollments (student_id, section_id, term_id, state, enrolled_at, last_event, actor)"
      + " VALUES (?, ?, ?, 'ENROLLED', UTC_TIMESTAMP(3), '0000000000001-0000000000', 'office')", student, section, past.id);
    service.stop(); // the catalog is read at the start
    service.start();
    admin = service.login("office");

    HttpResponse<Buffer> view = send("GET", "/api/admin/students/" + student, null);
    assertEquals(200, view.statusCode(), view.bodyAsString());
    JsonObject held = view.bodyAsJsonObject().getJsonObject("selections").getJsonArray("enrolled").getJsonObject(0);
    assertEquals(section, held.getLong("id"));
    assertTrue(held.getBoolean("byOffice"));
    assertEquals(0, service.redis.keys(new edu.xuanke.course.TermKeys(past.id).pattern()).await().size(),
      "the term that is over stays out of Redis");
  }

  @Test
  void reAddingAnExistingStudentAsksFirst() {
    String student = students.get(0);
    JsonObject body = new JsonObject().put("termId", term.id).put("studentId", student).put("name", "同号新人");
    HttpResponse<Buffer> asked = send("POST", "/api/admin/students", body);
    assertEquals(409, asked.statusCode(), asked.bodyAsString());
    assertEquals("STUDENT_EXISTS", Service.errorCode(asked));
    assertEquals("Name " + student, asked.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getString("name"));
    assertEquals(List.of("Name " + student), fixture.rows("SELECT name FROM accounts WHERE student_id = ?", student));

    HttpResponse<Buffer> confirmed = send("POST", "/api/admin/students", body.copy().put("overwrite", true));
    assertEquals(200, confirmed.statusCode(), confirmed.bodyAsString());
    assertFalse(confirmed.bodyAsJsonObject().getBoolean("created"));
    assertEquals(List.of("同号新人"), fixture.rows("SELECT name FROM accounts WHERE student_id = ?", student));

    HttpResponse<Buffer> allBad = send("POST", "/api/admin/students", new JsonObject().put("termId", term.id)
      .put("studentId", "").put("gender", "X").put("phone", "1"));
    assertEquals(new JsonObject().put("studentId", "MISSING_STUDENT_ID").put("gender", "INVALID_GENDER").put("phone", "INVALID_PHONE"),
      allBad.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields"));
  }

  @Test
  void theOneTimePasswordsFileHasNamesAndCanBeDownloadedAgainUntilItExpires() {
    HttpResponse<Buffer> started = service.http.post("/api/admin/students/import?termId=" + term.id).bearerTokenAuthentication(admin)
      .sendMultipartForm(MultipartForm.create().binaryFileUpload("file", "s.csv",
        Buffer.buffer("学号,姓名\nOTP0001,张三\nOTP0002,\"李,四\"\n"), "text/csv")).await();
    assertEquals(202, started.statusCode(), started.bodyAsString());
    String jobId = started.bodyAsJsonObject().getString("jobId");
    edu.xuanke.core.Poll.until(service.vertx, () -> service.http.get("/api/admin/jobs/" + jobId).bearerTokenAuthentication(admin)
      .send().map(r -> "DONE".equals(r.bodyAsJsonObject().getString("state"))), 50, 15_000, "the import ends").await();

    String first = send("GET", "/api/admin/jobs/" + jobId + "/passwords", null).bodyAsString(StandardCharsets.UTF_8.name());
    assertTrue(first.startsWith("\uFEFF学号,姓名,一次性密码\r\nOTP0001,张三,"), first);
    assertTrue(first.contains("\r\nOTP0002,\"李,四\","), first);
    HttpResponse<Buffer> again = send("GET", "/api/admin/jobs/" + jobId + "/passwords", null);
    assertEquals(200, again.statusCode());
    assertEquals(first, again.bodyAsString(StandardCharsets.UTF_8.name()), "downloaded again, the same file");
    String password = first.lines().skip(1).findFirst().orElseThrow().split(",")[2];
    assertEquals(200, service.http.post("/api/auth/login").sendJsonObject(new JsonObject()
      .put("studentId", "OTP0001").put("password", password)).await().statusCode());

    service.redis.pexpire(List.of("xk:admin:job:" + jobId + ":passwords", "1")).await();
    edu.xuanke.core.Poll.until(service.vertx, () -> service.redis.exists(List.of("xk:admin:job:" + jobId + ":passwords"))
      .map(n -> n.toInteger() == 0), 10, 5_000, "the file expires").await();
    assertEquals(404, send("GET", "/api/admin/jobs/" + jobId + "/passwords", null).statusCode());
  }
}
