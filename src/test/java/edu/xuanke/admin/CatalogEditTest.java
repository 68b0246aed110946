package edu.xuanke.admin;

import edu.xuanke.course.TermKeys;
import edu.xuanke.support.Eventually;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.Smtp;
import edu.xuanke.support.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Catalog edits by an admin: validation, and edits of a running window reaching the live state atomically. */
class CatalogEditTest {

  private final Smtp smtp = new Smtp();
  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long small;
  private long other;
  private List<String> students;
  private String admin;
  private TermKeys keys;

  @BeforeEach
  void setUp() throws Exception {
    smtp.start();
    service = new Service(TestConfig.json().put("smtpHost", "127.0.0.1").put("smtpPort", smtp.port));
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    small = term.section("SMALL", 1, 1, "08:00", "10:00");
    other = term.section("OTHER", 5, 3, "08:00", "10:00");
    students = term.students("CE", 4);
    fixture.admin("office");
    keys = new TermKeys(term.id);
    service.start();
    admin = service.login("office");
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
    smtp.close();
  }

  private HttpResponse<Buffer> put(String path, JsonObject body) {
    return service.http.put(path).bearerTokenAuthentication(admin).sendJsonObject(body).await();
  }

  private HttpResponse<Buffer> post(String path, JsonObject body) {
    return service.http.post(path).bearerTokenAuthentication(admin).sendJsonObject(body).await();
  }

  /** One student enrolled in the one-seat section, two more on its waitlist in order. */
  private void fillWithWaitlist() {
    assertEquals(201, service.select(service.login(students.get(0)), small, false).await().statusCode());
    assertEquals(202, service.select(service.login(students.get(1)), small, true).await().statusCode());
    assertEquals(202, service.select(service.login(students.get(2)), small, true).await().statusCode());
  }

  @Test
  void raisingACapacityGivesTheNewSeatsToTheWaitlistFirstAndMailsThem() {
    fillWithWaitlist();

    HttpResponse<Buffer> raised = put("/api/admin/sections/" + small, new JsonObject().put("capacity", 3));

    assertEquals(200, raised.statusCode(), raised.bodyAsString());
    assertEquals(new JsonArray().add(students.get(1)).add(students.get(2)), raised.bodyAsJsonObject().getJsonArray("promoted"));
    assertEquals("0", service.redis.hget(keys.seats(), Long.toString(small)).await().toString());
    assertEquals(Set.copyOf(students.subList(0, 3)), members(keys.roster(small)));
    assertEquals(0L, service.redis.zcard(keys.waitlist(small)).await().toLong());
    assertEquals(List.of(), service.audit(term.id));
    assertEquals(List.of(students.get(0) + "|ENROLLED", students.get(1) + "|ENROLLED", students.get(2) + "|ENROLLED"),
      fixture.rows("SELECT student_id, state FROM enrollments WHERE section_id = ? ORDER BY student_id", small));
    assertEquals(List.of(students.get(1) + "|PROMOTED", students.get(2) + "|PROMOTED"),
      fixture.rows("SELECT student_id, state FROM waitlist_entries WHERE section_id = ? ORDER BY seq", small));
    assertEquals(List.of("3"), fixture.rows("SELECT capacity FROM sections WHERE id = ?", small));
    List<MimeMessage> mails = smtp.await(2, 10_000);
    assertEquals(Set.of(students.get(1).toLowerCase() + "@example.edu.cn", students.get(2).toLowerCase() + "@example.edu.cn"),
      mails.stream().flatMap(Smtp::recipients).collect(Collectors.toSet()));
    // Every instance's catalog reloads: the section list shows the new capacity.
    Eventually.holds(() -> service.http.get("/api/sections/" + small).bearerTokenAuthentication(admin).send().await()
      .bodyAsJsonObject().getInteger("capacity") == 3, 5_000, "the catalog reloads");
  }

  @Test
  void loweringACapacityBelowTheRosterIsRefusedAndChangesNothing() {
    fillWithWaitlist();
    assertEquals(200, put("/api/admin/sections/" + small, new JsonObject().put("capacity", 2)).statusCode());
    assertEquals(List.of(), service.audit(term.id));
    Map<String, String> before = service.snapshot(term.id);

    HttpResponse<Buffer> lowered = put("/api/admin/sections/" + small, new JsonObject().put("capacity", 1));

    assertEquals(409, lowered.statusCode(), lowered.bodyAsString());
    assertEquals("CAPACITY_BELOW_ROSTER", Service.errorCode(lowered));
    assertEquals(before, service.snapshot(term.id));
    assertEquals(List.of("2"), fixture.rows("SELECT capacity FROM sections WHERE id = ?", small));
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void retiringASectionWithStudentsIsRefused() {
    fillWithWaitlist();
    HttpResponse<Buffer> retired = service.http.delete("/api/admin/sections/" + small).bearerTokenAuthentication(admin).send().await();
    assertEquals(409, retired.statusCode());
    assertEquals("HAS_STUDENTS", Service.errorCode(retired));
    assertEquals(List.of("0"), fixture.rows("SELECT retired FROM sections WHERE id = ?", small));
  }

  @Test
  void aRetiredSectionCannotBeEditedBackIntoSelection() {
    assertEquals(204, service.http.delete("/api/admin/sections/" + other).bearerTokenAuthentication(admin).send().await().statusCode());
    Map<String, String> before = service.snapshot(term.id);

    HttpResponse<Buffer> edited = put("/api/admin/sections/" + other, new JsonObject().put("capacity", 9));

    assertEquals(409, edited.statusCode(), edited.bodyAsString());
    assertEquals("SECTION_RETIRED", Service.errorCode(edited));
    assertEquals(before, service.snapshot(term.id));
    assertEquals(null, service.redis.hget(keys.sections(), Long.toString(other)).await());
    assertEquals(List.of("1|5"), fixture.rows("SELECT retired, capacity FROM sections WHERE id = ?", other));
    assertEquals(404, service.select(service.login(students.get(3)), other, false).await().statusCode());
  }

  @Test
  void aSectionAddedDuringTheWindowCanBeSelectedAndAnEmptyOneRetired() {
    long periodId = service.http.get("/api/admin/periods?termId=" + term.id).bearerTokenAuthentication(admin).send().await()
      .bodyAsJsonArray().getJsonObject(0).getLong("id");
    long typeId = service.http.get("/api/admin/course-types").bearerTokenAuthentication(admin).send().await()
      .bodyAsJsonArray().getJsonObject(0).getLong("id");
    HttpResponse<Buffer> created = post("/api/admin/sections", new JsonObject().put("termId", term.id).put("periodId", periodId)
      .put("typeId", typeId).put("courseCode", "NEW").put("courseTitle", "人工智能").put("teacher", "王老师")
      .put("capacity", 2).put("weekday", 3).put("startTime", "18:45").put("endTime", "21:45"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    long id = created.bodyAsJsonObject().getLong("id");

    HttpResponse<Buffer> selected = service.select(service.login(students.get(3)), id, false).await();
    assertEquals(201, selected.statusCode(), selected.bodyAsString());
    assertEquals(1L, selected.bodyAsJsonObject().getLong("seatsLeft"));
    assertEquals(List.of(), service.audit(term.id));

    HttpResponse<Buffer> empty = post("/api/admin/sections", created.bodyAsJsonObject().copy().put("courseCode", "EMPTY")
      .put("weekday", 4));
    long emptyId = empty.bodyAsJsonObject().getLong("id");
    assertEquals(204, service.http.delete("/api/admin/sections/" + emptyId).bearerTokenAuthentication(admin).send().await().statusCode());
    assertEquals(null, service.redis.hget(keys.sections(), Long.toString(emptyId)).await());
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void invalidFieldsAreNamedAndNothingIsWritten() {
    HttpResponse<Buffer> section = post("/api/admin/sections", new JsonObject().put("termId", term.id).put("periodId", 1)
      .put("typeId", 1).put("courseCode", "X").put("courseTitle", "X").put("capacity", -1).put("weekday", 8)
      .put("startTime", "21:00").put("endTime", "20:00"));
    assertEquals(400, section.statusCode());
    assertEquals("VALIDATION_FAILED", Service.errorCode(section));
    JsonObject fields = section.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields");
    assertEquals(new JsonObject().put("capacity", "OUT_OF_RANGE").put("weekday", "OUT_OF_RANGE").put("endTime", "NOT_AFTER_START"), fields);

    HttpResponse<Buffer> badTerm = post("/api/admin/terms", new JsonObject().put("name", "T").put("maxSectionsPerStudent", 2)
      .put("selectionOpensAt", "2026-09-01T09:00:00+08:00").put("selectionClosesAt", "2026-08-01T09:00:00+08:00")
      .put("dropClosesAt", "not a date"));
    assertEquals(400, badTerm.statusCode());
    JsonObject termFields = badTerm.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields");
    assertEquals(new JsonObject().put("dropClosesAt", "INVALID_FORMAT").put("selectionClosesAt", "NOT_AFTER_START"), termFields);

    HttpResponse<Buffer> notJson = service.http.post("/api/admin/terms").bearerTokenAuthentication(admin)
      .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{")).await();
    assertEquals(400, notJson.statusCode());
    assertEquals(List.of("2"), fixture.rows("SELECT COUNT(*) FROM sections"));
    assertEquals(List.of("1"), fixture.rows("SELECT COUNT(*) FROM terms"));
  }

  @Test
  void theScheduleOfASectionWithStudentsCannotChangeButAnEmptyOnesCan() {
    fillWithWaitlist();
    service.drain(term.id);
    Map<String, String> before = service.snapshot(term.id);
    List<String> rowBefore = fixture.rows("SELECT course_code, weekday, start_time, end_time FROM sections WHERE id = ?", small);

    for (JsonObject change : List.of(new JsonObject().put("weekday", 5), new JsonObject().put("startTime", "09:00"),
        new JsonObject().put("endTime", "11:00"), new JsonObject().put("courseCode", "OTHER"))) {
      HttpResponse<Buffer> moved = put("/api/admin/sections/" + small, change);
      assertEquals(409, moved.statusCode(), change + " " + moved.bodyAsString());
      assertEquals("HAS_STUDENTS", Service.errorCode(moved));
    }

    assertEquals(before, service.snapshot(term.id));
    assertEquals(rowBefore, fixture.rows("SELECT course_code, weekday, start_time, end_time FROM sections WHERE id = ?", small));
    HttpResponse<Buffer> renamed = put("/api/admin/sections/" + small, new JsonObject().put("teacher", "新老师"));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    HttpResponse<Buffer> emptyMoved = put("/api/admin/sections/" + other, new JsonObject().put("weekday", 2));
    assertEquals(200, emptyMoved.statusCode(), emptyMoved.bodyAsString());
    assertEquals(List.of("2"), fixture.rows("SELECT weekday FROM sections WHERE id = ?", other));
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void aPeriodWithStudentsKeepsItsDatesAndNoPeriodChangesTerm() {
    JsonObject period = service.http.get("/api/admin/periods?termId=" + term.id).bearerTokenAuthentication(admin).send().await()
      .bodyAsJsonArray().getJsonObject(0);
    String path = "/api/admin/periods/" + period.getLong("id");
    HttpResponse<Buffer> otherTerm = put(path, new JsonObject().put("termId", term.id + 1));
    assertEquals(400, otherTerm.statusCode(), otherTerm.bodyAsString());
    assertEquals(new JsonObject().put("termId", "CANNOT_CHANGE"),
      otherTerm.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields"));
    assertEquals(201, service.select(service.login(students.get(3)), other, false).await().statusCode());
    service.drain(term.id);
    Map<String, String> before = service.snapshot(term.id);

    String end = java.time.LocalDate.parse(period.getString("startsOn")).plusDays(3).toString();
    HttpResponse<Buffer> redated = put(path, new JsonObject().put("endsOn", end));

    assertEquals(409, redated.statusCode(), redated.bodyAsString());
    assertEquals("HAS_STUDENTS", Service.errorCode(redated));
    assertEquals(before, service.snapshot(term.id));
    assertEquals(List.of(period.getString("endsOn") + "|" + term.id),
      fixture.rows("SELECT ends_on, term_id FROM periods WHERE id = ?", period.getLong("id")));
  }

  @Test
  void termAndPeriodEditsDuringTheWindowReachTheScripts() {
    JsonObject period = service.http.get("/api/admin/periods?termId=" + term.id).bearerTokenAuthentication(admin).send().await()
      .bodyAsJsonArray().getJsonObject(0);
    String end = java.time.LocalDate.parse(period.getString("startsOn")).plusDays(3).toString();
    assertEquals(200, put("/api/admin/periods/" + period.getLong("id"), new JsonObject().put("endsOn", end)).statusCode());
    String meta = service.redis.hget(keys.sections(), Long.toString(other)).await().toString();
    assertTrue(meta.contains("|" + end.replace("-", "") + "|"), meta);

    HttpResponse<Buffer> term1 = put("/api/admin/terms/" + term.id, new JsonObject().put("maxSectionsPerStudent", 1));
    assertEquals(200, term1.statusCode(), term1.bodyAsString());
    assertEquals("1", service.redis.hget(keys.term(), "max").await().toString());
    String token = service.login(students.get(3));
    assertEquals(201, service.select(token, small, false).await().statusCode());
    HttpResponse<Buffer> second = service.select(token, other, false).await();
    assertEquals(409, second.statusCode());
    assertEquals("LIMIT_REACHED", Service.errorCode(second));
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void recordsInUseOrLiveAreKept() {
    HttpResponse<Buffer> liveTerm = service.http.delete("/api/admin/terms/" + term.id).bearerTokenAuthentication(admin).send().await();
    assertEquals(409, liveTerm.statusCode());
    assertEquals("TERM_LIVE", Service.errorCode(liveTerm));
    long periodId = service.http.get("/api/admin/periods?termId=" + term.id).bearerTokenAuthentication(admin).send().await()
      .bodyAsJsonArray().getJsonObject(0).getLong("id");
    HttpResponse<Buffer> usedPeriod = service.http.delete("/api/admin/periods/" + periodId).bearerTokenAuthentication(admin).send().await();
    assertEquals(409, usedPeriod.statusCode());
    assertEquals("IN_USE", Service.errorCode(usedPeriod));
    HttpResponse<Buffer> duplicate = post("/api/admin/course-types", new JsonObject().put("name", "Python"));
    assertEquals(400, duplicate.statusCode());
    assertEquals(404, service.http.delete("/api/admin/sections/999").bearerTokenAuthentication(admin).send().await().statusCode());
    HttpResponse<Buffer> created = post("/api/admin/course-types", new JsonObject().put("name", "人工智能"));
    assertEquals(201, created.statusCode());
    assertEquals(204, service.http.delete("/api/admin/course-types/" + created.bodyAsJsonObject().getLong("id"))
      .bearerTokenAuthentication(admin).send().await().statusCode());
    assertEquals(List.of("0|1"), fixture.rows("SELECT retired, (SELECT COUNT(*) FROM periods) FROM terms"));
  }

  private Set<String> members(String key) {
    Set<String> out = new TreeSet<>();
    service.redis.smembers(key).await().forEach(m -> out.add(m.toString()));
    return out;
  }
}
