package edu.xuanke;

import edu.xuanke.course.TermKeys;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.ServiceProcess;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar as its own process, SIGKILLed in the middle of a selection stampede and started
 * again: every selection answered 201 is in MySQL once the persister drains, and MySQL holds
 * nothing but those and the requests whose answer the kill swallowed.
 */
class CrashIT {

  private static final int STUDENTS = 300;
  private static final int SECTIONS = 21;

  private Service client;
  private Fixture fixture;
  private Fixture.Term term;
  private final List<Long> sections = new ArrayList<>();
  private List<String> students;
  private JsonObject config;
  private final Processes processes = new Processes();

  /** Every process a test starts, so that none outlives it. */
  private static final class Processes {
    final List<ServiceProcess> started = new ArrayList<>();

    ServiceProcess add(ServiceProcess process) {
      started.add(process);
      return process;
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    config = TestConfig.json().put("instanceId", "crash-it");
    client = new Service(config);
    fixture = client.freshStores();
    term = fixture.openTerm(5);
    for (int i = 0; i < SECTIONS; i++) {
      int slot = i / 7;
      sections.add(term.section("K" + i, 40, 1 + i % 7, String.format("%02d:00", 8 + 3 * slot),
        String.format("%02d:00", 10 + 3 * slot)));
    }
    students = term.students("K", STUDENTS);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (ServiceProcess process : processes.started) process.close();
    client.close();
    fixture.close();
  }

  @Test
  void killedMidLoadLosesNothingAnswered() throws Exception {
    File log = new File("target/crash-it.log");
    ServiceProcess first = processes.add(new ServiceProcess(config, log)).start(client.http);
    List<String> tokens = new ArrayList<>();
    for (String student : students) tokens.add(client.login(student));

    Set<String> answered = ConcurrentHashMap.newKeySet();
    Set<String> unanswered = ConcurrentHashMap.newKeySet();
    AtomicBoolean running = new AtomicBoolean(true);
    Random random = new Random(42);
    List<Future<Void>> inFlight = new ArrayList<>();
    // Killed once a real load is under way, however busy the machine (a fixed delay was not).
    long giveUpAt = System.currentTimeMillis() + 30_000;
    boolean killed = false;
    while (running.get()) {
      for (int i = 0; i < 50; i++) {
        int s = random.nextInt(STUDENTS);
        long section = sections.get(random.nextInt(SECTIONS));
        String pair = students.get(s) + "@" + section;
        inFlight.add(client.select(tokens.get(s), section, false)
          .onSuccess(r -> {
            if (r.statusCode() == 201) answered.add(pair);
          })
          .onFailure(e -> unanswered.add(pair))
          .<Void>mapEmpty().otherwiseEmpty());
      }
      Thread.sleep(5);
      if (!killed && (answered.size() >= 300 || System.currentTimeMillis() >= giveUpAt)) {
        first.kill();
        killed = true;
        running.set(false);
      }
    }
    Future.join(new ArrayList<>(inFlight)).await();
    assertTrue(answered.size() > 100, "the load was real: " + answered.size() + " enrolments answered");
    assertTrue(!unanswered.isEmpty(), "the kill came while requests were in flight");

    ServiceProcess second = processes.add(new ServiceProcess(config, log)).start(client.http);
    try {
      assertEquals(List.of(), client.audit(term.id));
      Set<String> stored = new HashSet<>(fixture.rows(
        "SELECT CONCAT(student_id, '@', section_id) FROM enrollments WHERE state = 'ENROLLED'"));
      System.out.printf("crash: %d enrolments answered 201, %d requests cut off by the kill, %d enrolments stored%n",
        answered.size(), unanswered.size(), stored.size());
      Set<String> missing = new HashSet<>(answered);
      missing.removeAll(stored);
      assertEquals(Set.of(), missing, "answered 201 but not in MySQL");
      Set<String> extra = new HashSet<>(stored);
      extra.removeAll(answered);
      extra.removeAll(unanswered);
      assertEquals(Set.of(), extra, "in MySQL but never asked for, or answered with a refusal");
    } finally {
      second.terminate();
    }
  }

  @Test
  void sigtermFinishesInFlightRequestsAndDrainsThePersister() throws Exception {
    ServiceProcess service = processes.add(new ServiceProcess(config, new File("target/sigterm-it.log"))).start(client.http);
    List<String> tokens = new ArrayList<>();
    for (String student : students) tokens.add(client.login(student));
    Set<String> answered = ConcurrentHashMap.newKeySet();
    List<Future<Void>> inFlight = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      int s = random.nextInt(STUDENTS);
      long section = sections.get(random.nextInt(SECTIONS));
      inFlight.add(client.select(tokens.get(s), section, false)
        .onSuccess(r -> {
          if (r.statusCode() == 201) answered.add(students.get(s) + "@" + section);
        })
        .<Void>mapEmpty().otherwiseEmpty());
    }
    Thread.sleep(300);

    assertEquals(143, service.terminate(), "SIGTERM ends the service through its shutdown hook");
    Future.join(new ArrayList<>(inFlight)).await();

    // Stopped: the persister wrote everything before the process ended.
    assertEquals(0L, client.redis.xlen(new TermKeys(term.id).events()).await().toLong());
    Set<String> stored = new HashSet<>(fixture.rows(
      "SELECT CONCAT(student_id, '@', section_id) FROM enrollments WHERE state = 'ENROLLED'"));
    assertTrue(answered.size() > 0);
    assertEquals(answered, stored);
  }
}
