package edu.xuanke.course;

import edu.xuanke.support.Eventually;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Drops hand the seat to the waitlist head in the same step; swaps are all or nothing. */
class WaitlistAndSwapTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long small, other, overlapping;
  private List<String> students;
  private TermKeys keys;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    small = term.section("SMALL", 1, 1, "08:00", "10:00");
    other = term.section("OTHER", 5, 2, "08:00", "10:00");
    overlapping = term.section("OVER", 5, 1, "09:00", "11:00");
    students = term.students("W", 4);
    keys = new TermKeys(term.id);
    service.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  @Test
  void dropPromotesTheWaitlistHeadInTheSameStep() {
    String first = service.login(students.get(0));
    String second = service.login(students.get(1));
    String third = service.login(students.get(2));
    assertEquals(201, service.select(first, small, false).await().statusCode());
    assertEquals(1L, service.select(second, small, true).await().bodyAsJsonObject().getLong("position"));
    assertEquals(2L, service.select(third, small, true).await().bodyAsJsonObject().getLong("position"));
    List<JsonObject> promotions = new CopyOnWriteArrayList<>();
    service.vertx.eventBus().<JsonObject>consumer(SelectionService.PROMOTED, m -> promotions.add(m.body()));

    assertEquals(204, service.drop(first, small).await().statusCode());

    // No moment in between: right after the answer the seat is already the head's.
    assertEquals("0", service.redis.hget(keys.seats(), Long.toString(small)).await().toString());
    assertEquals(students.get(1), memberOf(service.redis.smembers(keys.roster(small)).await()));
    assertEquals(Long.toString(small), service.redis.hget(keys.holds(), students.get(1)).await().toString());
    JsonObject thirdView = service.http.get("/api/selections").bearerTokenAuthentication(third).send().await().bodyAsJsonObject();
    assertEquals(new JsonArray().add(new JsonObject().put("sectionId", small).put("position", 1L)), thirdView.getJsonArray("waitlisted"));
    JsonObject secondView = service.http.get("/api/selections").bearerTokenAuthentication(second).send().await().bodyAsJsonObject();
    assertEquals(small, secondView.getJsonArray("enrolled").getJsonObject(0).getLong("id"));

    assertEquals(List.of(), service.audit(term.id));
    assertEquals(List.of(students.get(1) + "|PROMOTED", students.get(2) + "|WAITING"),
      fixture.rows("SELECT student_id, state FROM waitlist_entries WHERE section_id = ? ORDER BY seq", small));
    assertEquals(List.of(students.get(0) + "|DROPPED", students.get(1) + "|ENROLLED"),
      fixture.rows("SELECT student_id, state FROM enrollments WHERE section_id = ? ORDER BY student_id", small));
    Eventually.holds(() -> !promotions.isEmpty(), 5_000, "the promotion is announced");
    assertEquals(1, promotions.size());
    assertEquals(students.get(1), promotions.get(0).getString("studentId"));
  }

  @Test
  void promotionSkipsAHeadWhoTookAConflictingSection() {
    String first = service.login(students.get(0));
    String second = service.login(students.get(1));
    String third = service.login(students.get(2));
    assertEquals(201, service.select(first, small, false).await().statusCode());
    assertEquals(202, service.select(second, small, true).await().statusCode());
    assertEquals(202, service.select(third, small, true).await().statusCode());
    assertEquals(201, service.select(second, overlapping, false).await().statusCode());

    assertEquals(204, service.drop(first, small).await().statusCode());

    assertEquals(students.get(2), memberOf(service.redis.smembers(keys.roster(small)).await()));
    assertEquals(List.of(), service.audit(term.id));
    assertEquals(List.of(students.get(1) + "|SKIPPED", students.get(2) + "|PROMOTED"),
      fixture.rows("SELECT student_id, state FROM waitlist_entries WHERE section_id = ? ORDER BY seq", small));
  }

  @Test
  void leavingTheWaitlistClosesTheGap() {
    String first = service.login(students.get(0));
    String second = service.login(students.get(1));
    String third = service.login(students.get(2));
    service.select(first, small, false).await();
    service.select(second, small, true).await();
    service.select(third, small, true).await();
    assertEquals("NOT_ENROLLED", Service.errorCode(service.drop(second, small).await()), "a drop never leaves a waitlist");
    assertEquals(204, service.leaveWaitlist(second, small).await().statusCode());
    assertEquals(1L, service.select(third, small, true).await().bodyAsJsonObject().getLong("position"));
    assertEquals(List.of(), service.audit(term.id));
    assertEquals(List.of(students.get(1) + "|LEFT", students.get(2) + "|WAITING"),
      fixture.rows("SELECT student_id, state FROM waitlist_entries WHERE section_id = ? ORDER BY seq", small));
  }

  @Test
  void leavingAWaitlistAfterAPromotionKeepsTheSeat() {
    // The page still shows "waiting, 1st" when the promotion happens; the click means "stop waiting".
    String first = service.login(students.get(0));
    String second = service.login(students.get(1));
    service.select(first, small, false).await();
    assertEquals(202, service.select(second, small, true).await().statusCode());
    assertEquals(204, service.drop(first, small).await().statusCode());
    service.drain(term.id);
    Map<String, String> before = service.snapshot(term.id);

    HttpResponse<Buffer> left = service.leaveWaitlist(second, small).await();

    assertEquals(409, left.statusCode());
    JsonObject error = left.bodyAsJsonObject().getJsonObject("error");
    assertEquals("NOT_WAITLISTED", error.getString("code"));
    assertEquals(true, error.getJsonObject("details").getBoolean("enrolled"));
    assertEquals(before, service.snapshot(term.id), "nothing changed");
    assertEquals(students.get(1), memberOf(service.redis.smembers(keys.roster(small)).await()));
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void leavingAWaitlistNeverDropsAndDroppingNeverLeaves() {
    String first = service.login(students.get(0));
    String second = service.login(students.get(1));
    service.select(first, small, false).await();
    service.select(second, small, true).await();
    String third = service.login(students.get(2));
    service.drain(term.id);
    Map<String, String> before = service.snapshot(term.id);
    HttpResponse<Buffer> neverWaited = service.leaveWaitlist(third, small).await();
    assertEquals("NOT_WAITLISTED", Service.errorCode(neverWaited));
    assertEquals(false, neverWaited.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getBoolean("enrolled"));
    assertEquals("NOT_WAITLISTED", Service.errorCode(service.leaveWaitlist(first, small).await()));
    assertEquals("NOT_ENROLLED", Service.errorCode(service.drop(second, small).await()));
    assertEquals(before, service.snapshot(term.id), "nothing changed");
  }

  /** Many promotions racing with the promoted students' clicks on "leave the waitlist": no seat is ever lost. */
  @Test
  void promotionsRacingWithLeaveClicksNeverLoseASeat() {
    String holder = service.login(students.get(0));
    String waiter = service.login(students.get(1));
    for (int round = 0; round < 20; round++) {
      assertEquals(201, service.select(holder, small, false).await().statusCode());
      assertEquals(202, service.select(waiter, small, true).await().statusCode());
      Future<HttpResponse<Buffer>> drop = service.drop(holder, small);
      Future<HttpResponse<Buffer>> leave = service.leaveWaitlist(waiter, small);
      Future.all(drop, leave).await();
      assertEquals(204, drop.result().statusCode());
      Response holds = service.redis.hget(keys.holds(), students.get(1)).await();
      String held = holds == null ? "" : holds.toString();
      if (leave.result().statusCode() == 204) {
        assertEquals("", held, "left before the promotion: no seat, no wait");
      } else {
        assertEquals("NOT_WAITLISTED", Service.errorCode(leave.result()));
        assertEquals(Long.toString(small), held, "promoted first: the seat is kept");
        assertEquals(204, service.drop(waiter, small).await().statusCode());
      }
    }
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void swapMovesTheSeatAndPromotesIntoTheFreedOne() {
    String first = service.login(students.get(0));
    String second = service.login(students.get(1));
    service.select(first, small, false).await();
    service.select(second, small, true).await();

    JsonObject swapped = service.swap(first, small, other).await().bodyAsJsonObject();

    assertEquals(new JsonObject().put("status", "ENROLLED").put("sectionId", other).put("seatsLeft", 4L), swapped);
    assertEquals(students.get(1), memberOf(service.redis.smembers(keys.roster(small)).await()));
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void parallelRefusedSwapsNeverLoseTheHeldSection() {
    String first = service.login(students.get(0));
    String second = service.login(students.get(1));
    service.select(first, small, false).await();
    service.select(second, other, false).await();
    // The second student's swap into the one-seat section races with nothing to free it: every
    // attempt is refused and the student keeps the section held before.
    List<Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();
    for (int i = 0; i < 30; i++) attempts.add(service.swap(second, other, small));
    Future.all(attempts).await();
    attempts.forEach(a -> assertEquals("SECTION_FULL", a.result().bodyAsJsonObject().getJsonObject("error").getString("code")));
    assertEquals(students.get(1), memberOf(service.redis.smembers(keys.roster(other)).await()));
    assertEquals(List.of(), service.audit(term.id));
  }

  private static String memberOf(Response set) {
    assertEquals(1, set.size(), "exactly one member expected");
    return set.get(0).toString();
  }

}
