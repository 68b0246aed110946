package edu.xuanke.course;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many requests at once: no oversold seat, no double holding, no gap in the waitlist. */
class SelectionConcurrencyTest {

  private static final int STUDENTS = 500;
  private static final int SEATS = 10;

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long hot;
  private long sameCourseA, sameCourseB, overlapA, overlapB;
  private List<String> tokens;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(5);
    hot = term.section("HOT", SEATS, 1, "08:00", "10:00");
    sameCourseA = term.section("SAME", 200, 2, "08:00", "10:00");
    sameCourseB = term.section("SAME", 200, 3, "08:00", "10:00");
    overlapA = term.section("OVA", 200, 4, "08:00", "10:00");
    overlapB = term.section("OVB", 200, 4, "09:00", "11:00");
    List<String> students = term.students("S", STUDENTS);
    service.start();
    tokens = all(students, id -> service.http.post("/api/auth/login")
        .sendJsonObject(new JsonObject().put("studentId", id).put("password", Fixture.PASSWORD))
        .map(r -> r.bodyAsJsonObject().getString("token")));
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  @Test
  void fiveHundredStudentsTenSeats() {
    BatchSizes.sinceLastCall();
    List<HttpResponse<Buffer>> answers = all(tokens, token -> service.select(token, hot, false));
    assertTrue(BatchSizes.sinceLastCall().getMaxValue() > 1, "selects arriving together share a Redis call");

    assertEquals(Map.of(201, SEATS, 409, STUDENTS - SEATS), countByStatus(answers));
    assertEquals(STUDENTS - SEATS, answers.stream().filter(r -> r.statusCode() == 409)
      .filter(r -> "SECTION_FULL".equals(Service.errorCode(r))).count());
    assertEquals(List.of(), service.audit(term.id));
    assertEquals(List.of(Integer.toString(SEATS)),
      fixture.rows("SELECT COUNT(*) FROM enrollments WHERE section_id = ? AND state = 'ENROLLED'", hot));
    assertEquals(List.of("0"), fixture.rows("SELECT COUNT(*) FROM waitlist_entries"));
  }

  /** Seat polls during a stampede are served from a read at most 250 ms old, then follow. */
  @Test
  void seatPollsFollowTheStampedeWithinAQuarterSecond() throws InterruptedException {
    String token = tokens.get(0);
    String path = "/api/seats?termId=" + term.id;
    assertEquals(SEATS, service.http.get(path).bearerTokenAuthentication(token).send().await()
      .bodyAsJsonObject().getInteger(Long.toString(hot)));
    List<HttpResponse<Buffer>> polls = all(tokens, t -> service.select(t, hot, false)
      .compose(r -> service.http.get(path).bearerTokenAuthentication(t).send()));
    polls.forEach(poll -> assertEquals(200, poll.statusCode()));
    Thread.sleep(300);
    assertEquals(0, service.http.get(path).bearerTokenAuthentication(token).send().await()
      .bodyAsJsonObject().getInteger(Long.toString(hot)));
  }

  @Test
  void fiveHundredStudentsTenSeatsWithWaitlist() {
    List<HttpResponse<Buffer>> answers = all(tokens, token -> service.select(token, hot, true));

    assertEquals(Map.of(201, SEATS, 202, STUDENTS - SEATS), countByStatus(answers));
    TreeSet<Long> positions = answers.stream().filter(r -> r.statusCode() == 202)
      .map(r -> r.bodyAsJsonObject().getLong("position")).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(LongRange.of(1, STUDENTS - SEATS), positions, "positions are 1…490 without gaps or repeats");
    assertEquals(List.of(), service.audit(term.id));
    assertEquals(List.of(Integer.toString(STUDENTS - SEATS)),
      fixture.rows("SELECT COUNT(*) FROM waitlist_entries WHERE section_id = ? AND state = 'WAITING'", hot));
    // MySQL keeps the waitlist in the order Redis gave.
    assertEquals(fixture.rows("SELECT student_id FROM waitlist_entries WHERE section_id = ? AND state = 'WAITING' ORDER BY seq", hot),
      waitlistInRedis());
  }

  @Test
  void oneStudentFiftyParallelSelectsHoldsOne() {
    String token = tokens.get(0);
    List<HttpResponse<Buffer>> answers = all(IntStream.range(0, 50).boxed().toList(), i -> service.select(token, hot, true));
    assertEquals(Map.of(201, 1, 409, 49), countByStatus(answers));
    assertEquals(List.of(), service.audit(term.id));
    assertEquals(List.of("1"), fixture.rows("SELECT COUNT(*) FROM enrollments WHERE student_id = 'S0001'"));
  }

  @Test
  void parallelSelectsOfTwoSectionsOfOneCourseHoldOne() {
    List<String> some = tokens.subList(0, 100);
    List<HttpResponse<Buffer>> answers = all(some, token -> Future.all(
        service.select(token, sameCourseA, false), service.select(token, sameCourseB, false))
      .map(both -> List.<HttpResponse<Buffer>>of(both.resultAt(0), both.resultAt(1))))
      .stream().flatMap(List::stream).toList();
    assertEquals(some.size(), answers.stream().filter(r -> r.statusCode() == 201).count());
    assertEquals(some.size(), answers.stream().filter(r -> r.statusCode() == 409)
      .filter(r -> "COURSE_ALREADY_TAKEN".equals(Service.errorCode(r))).count());
    assertEquals(List.of(), service.audit(term.id));
    assertEquals(List.of(Integer.toString(some.size())), fixture.rows("SELECT COUNT(*) FROM enrollments WHERE state = 'ENROLLED'"));
  }

  @Test
  void parallelSelectsOfTwoOverlappingSectionsHoldOne() {
    List<String> some = tokens.subList(0, 100);
    List<HttpResponse<Buffer>> answers = all(some, token -> Future.all(
        service.select(token, overlapA, false), service.select(token, overlapB, false))
      .map(both -> List.<HttpResponse<Buffer>>of(both.resultAt(0), both.resultAt(1))))
      .stream().flatMap(List::stream).toList();
    assertEquals(some.size(), answers.stream().filter(r -> r.statusCode() == 201).count());
    assertEquals(some.size(), answers.stream().filter(r -> r.statusCode() == 409)
      .filter(r -> "TIME_CONFLICT".equals(Service.errorCode(r))).count());
    assertEquals(List.of(), service.audit(term.id));
  }

  /**
   * Drops (one promoting from the waitlist), swaps and selects of one term at once, so that batches
   * mix the three steps: each gets the answer it would get alone, and the invariants hold.
   */
  @Test
  void dropsSwapsAndSelectsInSharedBatchesKeepTheInvariants() {
    List<String> holders = tokens.subList(0, 100);
    all(holders, token -> service.select(token, sameCourseA, false));
    all(tokens.subList(100, 100 + SEATS), token -> service.select(token, hot, false));
    String waiting = tokens.get(200);
    assertEquals(202, service.select(waiting, hot, true).await().statusCode());

    BatchSizes.sinceLastCall();
    List<Future<HttpResponse<Buffer>>> started = new ArrayList<>();
    for (int i = 0; i < holders.size(); i++) {
      started.add(i % 2 == 0 ? service.drop(holders.get(i), sameCourseA) : service.swap(holders.get(i), sameCourseA, overlapA));
    }
    started.add(service.drop(tokens.get(100), hot));
    tokens.subList(300, 400).forEach(token -> started.add(service.select(token, sameCourseB, false)));
    Future.all(started).await();
    assertTrue(BatchSizes.sinceLastCall().getMaxValue() > 1, "the steps shared Redis calls");

    Map<Integer, Integer> statuses = countByStatus(started.stream().map(Future::result).toList());
    assertEquals(Map.of(204, 51, 200, 50, 201, 100), statuses);
    assertEquals(List.of(), service.audit(term.id));
    assertEquals(List.of("ENROLLED"), fixture.rows(
      "SELECT e.state FROM enrollments e WHERE e.section_id = ? AND e.student_id = 'S0201'", hot));
    assertEquals(List.of("50"), fixture.rows("SELECT COUNT(*) FROM enrollments WHERE section_id = ? AND state = 'ENROLLED'", overlapA));
  }

  private List<String> waitlistInRedis() {
    List<String> members = new ArrayList<>();
    service.redis.zrange(List.of(new TermKeys(term.id).waitlist(hot), "0", "-1")).await()
      .forEach(m -> members.add(m.toString()));
    return members;
  }

  /** Fires one request per input at once and waits for all answers. */
  private <I, O> List<O> all(List<I> inputs, Function<I, Future<O>> request) {
    List<Future<O>> started = inputs.stream().map(request).toList();
    Future.all(started).await();
    return started.stream().map(Future::result).toList();
  }

  private static Map<Integer, Integer> countByStatus(List<HttpResponse<Buffer>> answers) {
    Map<Integer, Integer> counts = new TreeMap<>();
    answers.forEach(r -> counts.merge(r.statusCode(), 1, Integer::sum));
    return counts;
  }


  private static final class LongRange {
    static TreeSet<Long> of(long from, long to) {
      TreeSet<Long> range = new TreeSet<>();
      for (long i = from; i <= to; i++) range.add(i);
      return range;
    }
  }
}
