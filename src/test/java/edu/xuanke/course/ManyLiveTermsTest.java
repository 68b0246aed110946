package edu.xuanke.course;

import edu.xuanke.core.Stores;
import edu.xuanke.support.BlockedThreads;
import edu.xuanke.support.Eventually;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A province-wide deployment: 300 live terms. Stream readers must not take a connection per
 * term (issue 10): /health stays fast, selections in several terms are answered and stored,
 * admin edits go through, and a restart is quick.
 */
class ManyLiveTermsTest {

  private static final int TERMS = 300;
  private static final int BUSY_TERMS = 6;
  private static final int STUDENTS_PER_TERM = 12;
  /** Generous: the 2-core test machine runs other suites at the same time (load average 20-40 seen). The
   * stalled service took 10 s and then answered 503, or did not start at all. */
  private static final long HEALTH_MS = 2_500;
  private static final Duration START_BOUND = Duration.ofSeconds(45);

  private Service service;
  private Fixture fixture;
  private final List<Long> termIds = new ArrayList<>();
  private final List<Fixture.Term> busy = new ArrayList<>();
  private final List<Long> sections = new ArrayList<>();
  private final List<List<String>> students = new ArrayList<>();
  private String adminToken;
  private Redis redisClient;
  private long slowestHealthMs;
  /** The JVM's count when this test began (other test classes may run in the same JVM). */
  private int blockedBefore;

  @BeforeEach
  void setUp() throws Exception {
    blockedBefore = BlockedThreads.count();
    service = new Service(TestConfig.json());
    redisClient = Stores.redis(service.vertx, TestConfig.config());
    fixture = service.freshStores();
    fixture.admin("office");
    for (int i = 0; i < TERMS; i++) {
      Fixture.Term term = fixture.openTerm(3);
      termIds.add(term.id);
      long section = term.section("C" + i, 5, 1 + i % 7, "08:00", "10:00");
      if (i % (TERMS / BUSY_TERMS) == 0) {
        busy.add(term);
        sections.add(section);
        students.add(term.students("T" + i + "x", STUDENTS_PER_TERM));
      }
    }
    assertTimeoutPreemptively(START_BOUND, () -> service.startWithoutWaiting(), "start with " + TERMS + " live terms");
    // The start does not wait for the terms: they are built in the background (from MySQL, as
    // this Redis db is empty), and the service answers meanwhile.
    assertHealthFast();
    long building = System.nanoTime();
    Eventually.holds(this::allTermsReady, 300_000, "all " + TERMS + " terms are built");
    System.out.printf("%d live terms built in the background in %d ms%n", TERMS,
      TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - building));
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  @Test
  void manyLiveTermsNeitherStallNorSlowTheRestart() {
    assertHealthFast();
    List<String> answered = selectInEveryBusyTerm(0, STUDENTS_PER_TERM / 2);
    assertHealthFast();
    createTermsThroughTheApi(5);
    assertHealthFast();
    long readers = streamReaders();
    System.out.printf("Redis connections of the test db: %d, of them stream readers: %d%n", connections(), readers);
    assertTrue(readers <= 2, "blocking stream readers: " + readers + " (one per consumer group)");

    long stopping = System.nanoTime();
    service.stop();
    long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
    long starting = System.nanoTime();
    assertTimeoutPreemptively(START_BOUND, () -> service.startWithoutWaiting(), "restart with " + TERMS + " live terms");
    long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - starting);
    System.out.printf("restart with %d live terms: stop %d ms, start %d ms%n", TERMS, stopMs, startMs);
    assertTrue(stopMs < 20_000, "stop took " + stopMs + " ms");
    assertTrue(startMs < 20_000, "start took " + startMs + " ms");

    assertHealthFast();
    answered.addAll(selectInEveryBusyTerm(STUDENTS_PER_TERM / 2, STUDENTS_PER_TERM));
    assertHealthFast();

    for (Fixture.Term term : busy) assertEquals(List.of(), service.audit(term.id), "term " + term.id);
    List<String> stored = fixture.rows("SELECT CONCAT(student_id, '@', section_id) FROM enrollments WHERE state = 'ENROLLED'");
    assertEquals(new TreeSet<>(answered), new TreeSet<>(stored), "every 2xx is in MySQL, nothing else is");
    assertEquals(BUSY_TERMS * 5, stored.size(), "each busy section filled its 5 seats");
    assertEquals(blockedBefore, BlockedThreads.count(), "blocked-thread warnings during this test");
    System.out.printf("slowest /health: %d ms%n", slowestHealthMs);
  }

  /** Students [from, to) of every busy term select their term's section at once; returns "student@section" of each 201. */
  private List<String> selectInEveryBusyTerm(int from, int to) {
    List<String> who = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    for (int t = 0; t < busy.size(); t++) {
      for (String student : students.get(t).subList(from, to)) {
        who.add(student + "@" + sections.get(t));
        String token = service.login(student);
        answers.add(service.select(token, sections.get(t), false));
      }
    }
    Future.join(answers).await();
    List<String> enrolled = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      HttpResponse<Buffer> answer = answers.get(i).result();
      assertTrue(answer != null, "no answer for " + who.get(i) + ": " + answers.get(i).cause());
      if (answer.statusCode() == 201) enrolled.add(who.get(i));
      else assertEquals("SECTION_FULL", Service.errorCode(answer), who.get(i) + ": " + answer.bodyAsString());
    }
    return enrolled;
  }

  private void createTermsThroughTheApi(int count) {
    if (adminToken == null) adminToken = service.login("office");
    Instant now = Instant.now();
    for (int i = 0; i < count; i++) {
      long started = System.nanoTime();
      HttpResponse<Buffer> created = service.http.post("/api/admin/terms").bearerTokenAuthentication(adminToken)
        .sendJsonObject(new JsonObject().put("name", "api term " + i)
          .put("selectionOpensAt", now.plus(Duration.ofDays(1)).toString())
          .put("selectionClosesAt", now.plus(Duration.ofDays(2)).toString())
          .put("dropClosesAt", now.plus(Duration.ofDays(3)).toString())
          .put("maxSectionsPerStudent", 3)).await();
      assertEquals(201, created.statusCode(), created.bodyAsString());
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(ms < 5_000, "creating a term took " + ms + " ms");
    }
  }

  private void assertHealthFast() {
    // Untimed: the first requests of a fresh JVM wait for the JIT compiler, which shares the two cores.
    service.http.get("/health").timeout(10_000).send().await();
    for (int i = 0; i < 5; i++) {
      long started = System.nanoTime();
      HttpResponse<Buffer> health = service.http.get("/health").timeout(10_000).send().await();
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertEquals(200, health.statusCode(), health.bodyAsString());
      assertTrue(ms < HEALTH_MS, "/health took " + ms + " ms");
      slowestHealthMs = Math.max(slowestHealthMs, ms);
    }
  }

  private boolean allTermsReady() {
    List<Request> asks = new ArrayList<>();
    for (long id : termIds) asks.add(Request.cmd(Command.HGET).arg(new TermKeys(id).term()).arg("ready"));
    return redisClient.batch(asks).await().stream().allMatch(Objects::nonNull);
  }

  private long connections() {
    return service.redis.client(List.of("LIST")).await().toString().lines()
      .filter(line -> line.contains(" db=" + TestConfig.REDIS_DB + " ")).count();
  }

  /** Connections of the test's Redis db blocked in (or last running) XREADGROUP. */
  private long streamReaders() {
    String clients = service.redis.client(List.of("LIST")).await().toString();
    return clients.lines().filter(line -> line.contains(" db=" + TestConfig.REDIS_DB + " "))
      .filter(line -> line.contains("cmd=xreadgroup")).count();
  }
}
