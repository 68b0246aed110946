package edu.xuanke.course;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every refusal of the selection scripts, each leaving Redis and MySQL exactly as they were. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SelectionRefusalsTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term open;
  private Fixture.Term future;
  private Fixture.Term dropClosed;
  private long a1, a2, b1, c1, d1, e1, f1, g1, h1;
  private String holder, filler, empty, outsider, incomplete, late;
  private final Map<String, String> tokens = new HashMap<>();

  @BeforeAll
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    Instant now = Instant.now();
    open = fixture.openTerm(2);
    a1 = open.section("C1", 5, 1, "18:45", "21:45");
    a2 = open.section("C1", 5, 2, "18:45", "21:45");
    b1 = open.section("C2", 5, 1, "19:00", "20:00");
    c1 = open.section("C3", 1, 3, "08:00", "10:00");
    d1 = open.section("C4", 5, 4, "08:00", "10:00", "X20 X21");
    e1 = open.section("C5", 5, 5, "08:00", "10:00");
    f1 = open.section("C6", 5, 6, "08:00", "10:00");
    List<String> students = open.students("A", 4);
    holder = students.get(0);
    filler = students.get(1);
    empty = students.get(2);
    incomplete = fixture.students("P", 1, open.id, false).get(0);

    future = fixture.term(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(2)), 2, true);
    g1 = future.section("G1", 5, 1, "08:00", "10:00");
    outsider = future.students("N", 1).get(0);
    dropClosed = fixture.term(now.minus(Duration.ofHours(2)), now.plus(Duration.ofDays(1)), now.minus(Duration.ofMinutes(1)), 2, true);
    h1 = dropClosed.section("H1", 5, 1, "08:00", "10:00");
    late = dropClosed.students("L", 1).get(0);
    service.start();
    for (String student : List.of(holder, filler, empty, outsider, incomplete, late)) {
      tokens.put(student, service.login(student));
    }

    assertEquals(201, service.select(token(holder), a1, false).await().statusCode());
    assertEquals(201, service.select(token(holder), e1, false).await().statusCode());
    assertEquals(201, service.select(token(filler), c1, false).await().statusCode());
    assertEquals(201, service.select(token(late), h1, false).await().statusCode());
  }

  private String token(String student) {
    return tokens.get(student);
  }

  @AfterAll
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  @Test
  void alreadyEnrolled() {
    assertRefused(409, "ALREADY_ENROLLED", () -> service.select(token(holder), a1, false).await());
  }

  @Test
  void courseAlreadyTakenNamesTheHeldSection() {
    JsonObject error = assertRefused(409, "COURSE_ALREADY_TAKEN", () -> service.select(token(holder), a2, true).await());
    assertEquals(a1, error.getJsonObject("details").getLong("sectionId"));
  }

  @Test
  void timeConflictNamesTheHeldSection() {
    JsonObject error = assertRefused(409, "TIME_CONFLICT", () -> service.select(token(holder), b1, false).await());
    assertEquals(a1, error.getJsonObject("details").getLong("sectionId"));
  }

  @Test
  void limitReached() {
    assertRefused(409, "LIMIT_REACHED", () -> service.select(token(holder), f1, false).await());
  }

  @Test
  void restricted() {
    assertRefused(409, "RESTRICTED", () -> service.select(token(empty), d1, false).await());
  }

  @Test
  void sectionFullWithoutWaitlist() {
    assertRefused(409, "SECTION_FULL", () -> service.select(token(empty), c1, false).await());
  }

  /** Full and over the maximum: without the waitlist "full" comes first, since no drop would help. */
  @Test
  void aFullSectionIsRefusedAsFullBeforeTheHoldingChecksButTheWaitlistStillNeedsThem() {
    assertRefused(409, "SECTION_FULL", () -> service.select(token(holder), c1, false).await());
    assertRefused(409, "LIMIT_REACHED", () -> service.select(token(holder), c1, true).await());
  }

  /** A student of another term's cohort (logged in there) selecting in this term. */
  @Test
  void notInTerm() {
    assertRefused(403, "NOT_IN_TERM", () -> service.select(token(outsider), e1, false).await());
  }

  @Test
  void profileIncomplete() {
    assertRefused(403, "PROFILE_INCOMPLETE", () -> service.select(token(incomplete), e1, false).await());
  }

  @Test
  void sectionNotFound() {
    assertRefused(404, "SECTION_NOT_FOUND", () -> service.select(token(empty), 999_999, false).await());
    assertRefused(404, "SECTION_NOT_FOUND", () -> service.drop(token(empty), 999_999).await());
  }

  @Test
  void windowClosedGivesTheWindow() {
    JsonObject error = assertRefused(409, "WINDOW_CLOSED", () -> service.select(token(outsider), g1, false).await());
    assertTrue(error.getJsonObject("details").getString("opensAt").startsWith(
      Instant.now().plus(Duration.ofDays(1)).atZone(service.config.timeZone()).toLocalDate().toString()));
    assertTrue(error.getJsonObject("details").containsKey("closesAt"));
  }

  @Test
  void dropNotEnrolled() {
    assertRefused(409, "NOT_ENROLLED", () -> service.drop(token(empty), f1).await());
  }

  @Test
  void dropClosed() {
    assertRefused(409, "DROP_CLOSED", () -> service.drop(token(late), h1).await());
  }

  @Test
  void swapIntoFullSectionKeepsTheHeldOne() {
    assertRefused(409, "SECTION_FULL", () -> service.swap(token(holder), a1, c1).await());
    assertRefused(409, "ALREADY_ENROLLED", () -> service.swap(token(holder), a1, a1).await());
    assertRefused(409, "TIME_CONFLICT", () -> service.swap(token(holder), e1, b1).await());
    assertRefused(409, "NOT_ENROLLED", () -> service.swap(token(empty), a1, f1).await());
    assertRefused(409, "RESTRICTED", () -> service.swap(token(holder), e1, d1).await());
  }

  /** Runs a refused request and checks the answer and that neither store changed. */
  private JsonObject assertRefused(int status, String code, Supplier<HttpResponse<Buffer>> request) {
    Map<String, String> before = liveState();
    List<String> rowsBefore = databaseState();
    HttpResponse<Buffer> response = request.get();
    assertEquals(status, response.statusCode(), response.bodyAsString());
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(code, error.getString("code"));
    assertTrue(!error.getString("message").isBlank());
    assertEquals(before, liveState(), "Redis changed on a refusal");
    assertEquals(rowsBefore, databaseState(), "MySQL changed on a refusal");
    return error;
  }

  private Map<String, String> liveState() {
    for (Fixture.Term term : List.of(open, future, dropClosed)) service.drain(term.id);
    Map<String, String> all = service.snapshot(open.id);
    all.putAll(service.snapshot(future.id));
    all.putAll(service.snapshot(dropClosed.id));
    return all;
  }

  private List<String> databaseState() {
    List<String> rows = fixture.rows("SELECT * FROM enrollments ORDER BY student_id, section_id");
    rows.addAll(fixture.rows("SELECT * FROM waitlist_entries ORDER BY student_id, section_id"));
    rows.addAll(fixture.rows("SELECT event_id FROM selection_events ORDER BY event_id"));
    return rows;
  }
}
