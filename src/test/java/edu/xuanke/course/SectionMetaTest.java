package edu.xuanke.course;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The live metadata of a section cannot be broken by its values: a course code full of the old
 * delimiter (stored before codes were checked) still reads as itself, and an admin can no longer
 * save codes or prefixes outside their alphabet.
 */
class SectionMetaTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long pipe, samePipeCourse, overlapping, restricted, unicode;
  private List<String> students;
  private String admin;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(5);
    // Once, "PIPE|1" made the record read course "PIPE", weekday 1, … and a prefix: everyone RESTRICTED.
    pipe = term.section("PIPE|1", 5, 1, "08:00", "10:00");
    samePipeCourse = term.section("PIPE|1", 5, 2, "08:00", "10:00");
    overlapping = term.section("OTHER", 5, 1, "09:00", "11:00");
    restricted = term.section("R|1|2|3", 5, 3, "08:00", "10:00", "ZZ");
    unicode = term.section("课程|二", 5, 4, "08:00", "10:00");
    students = term.students("M", 2);
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
  void aCourseCodeWithTheOldDelimiterStillReadsAsItself() {
    String token = service.login(students.get(0));
    HttpResponse<Buffer> taken = service.select(token, pipe, false).await();
    assertEquals(201, taken.statusCode(), taken.bodyAsString());
    // The course is recognised as the same one, and its day and times as they are.
    assertEquals("COURSE_ALREADY_TAKEN", Service.errorCode(service.select(token, samePipeCourse, false).await()));
    assertEquals("TIME_CONFLICT", Service.errorCode(service.select(token, overlapping, false).await()));
    // The prefix after a code full of delimiters is still the prefix; a multi-byte code is cut by its bytes.
    assertEquals("RESTRICTED", Service.errorCode(service.select(token, restricted, false).await()));
    assertEquals(201, service.select(token, unicode, false).await().statusCode());
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void aLiveStateOfTheOlderLayoutIsRebuiltBeforeItIsRead() {
    TermKeys keys = new TermKeys(term.id);
    // As an older build would have left it: the old layout, marked ready with "1".
    service.redis.hset(List.of(keys.sections(), Long.toString(pipe), "5|PIPE|1|1|480|600|20260101|20261231|")).await();
    service.redis.hset(List.of(keys.term(), "ready", "1")).await();

    HttpResponse<Buffer> taken = service.select(service.login(students.get(1)), pipe, false).await();

    assertEquals(201, taken.statusCode(), taken.bodyAsString());
    assertEquals(SectionMeta.LAYOUT, service.redis.hget(keys.term(), "ready").await().toString());
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void codesAndPrefixesOutsideTheirAlphabetAreRefused() {
    JsonObject valid = service.http.get("/api/admin/sections?termId=" + term.id).bearerTokenAuthentication(admin).send()
      .await().bodyAsJsonArray().getJsonObject(0).copy();
    valid.remove("id");
    valid.remove("retired");
    valid.put("courseCode", "CS-101.a_b").put("allowedPrefixes", "M00  M01");
    HttpResponse<Buffer> created = post(valid);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals("M00 M01", created.bodyAsJsonObject().getString("allowedPrefixes"));
    List<String> before = fixture.rows("SELECT id, course_code, allowed_prefixes FROM sections ORDER BY id");

    for (String code : List.of("PIPE|1", "A B", "课程", "X\tY", "-X", "A,B")) {
      assertRefused(post(valid.copy().put("courseCode", code)), "courseCode");
      assertRefused(put(pipe, new JsonObject().put("courseCode", code).put("allowedPrefixes", "")), "courseCode");
    }
    for (String prefixes : List.of("M|1", "M1,M2", "M\u00001", "学号")) {
      assertRefused(post(valid.copy().put("allowedPrefixes", prefixes)), "allowedPrefixes");
    }
    assertEquals(before, fixture.rows("SELECT id, course_code, allowed_prefixes FROM sections ORDER BY id"));
  }

  private HttpResponse<Buffer> post(JsonObject body) {
    return service.http.post("/api/admin/sections").bearerTokenAuthentication(admin).sendJsonObject(body).await();
  }

  private HttpResponse<Buffer> put(long id, JsonObject body) {
    return service.http.put("/api/admin/sections/" + id).bearerTokenAuthentication(admin).sendJsonObject(body).await();
  }

  private static void assertRefused(HttpResponse<Buffer> response, String field) {
    assertEquals(400, response.statusCode(), response.bodyAsString());
    assertEquals("VALIDATION_FAILED", Service.errorCode(response));
    assertEquals("INVALID_CHARACTERS", response.bodyAsJsonObject().getJsonObject("error").getJsonObject("details")
      .getJsonObject("fields").getString(field), response.bodyAsString());
  }
}
