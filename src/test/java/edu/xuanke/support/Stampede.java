package edu.xuanke.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A write-heavy selection load for fault tests: every student runs one request after another
 * (selects, drops, swaps), all students at once, while the test kills or cuts stores. It keeps
 * what each answer says: a 2xx is certain, a refusal changed nothing, and a request without an
 * answer (503, a cut connection) may or may not have happened. {@link #mismatches} then compares
 * MySQL with the answers: every 2xx is there, nothing else is.
 */
public final class Stampede {

  private static final long THINK_MS = 10;

  private final Service service;
  private final List<String> students;
  private final List<String> tokens;
  private final List<Long> sections;
  private final Map<String, Set<Long>> held = new ConcurrentHashMap<>();
  private final Map<String, Set<Long>> uncertain = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
  private final AtomicInteger successes = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean();
  private final List<Future<Void>> loops = new ArrayList<>();

  public Stampede(Service service, List<String> students, List<Long> sections) {
    this.service = service;
    this.students = students;
    this.sections = sections;
    this.tokens = new ArrayList<>();
    for (String student : students) {
      tokens.add(service.login(student));
      held.put(student, ConcurrentHashMap.newKeySet());
      uncertain.put(student, ConcurrentHashMap.newKeySet());
    }
  }

  public Stampede start(long seed) {
    running.set(true);
    for (int i = 0; i < students.size(); i++) {
      Promise<Void> done = Promise.promise();
      loops.add(done.future());
      next(i, new Random(seed + i), done);
    }
    return this;
  }

  /** Stops issuing requests and waits for the ones in flight. */
  public void stop() {
    running.set(false);
    Future.join(loops).await();
    loops.clear();
  }

  /** 2xx answers so far. */
  public int successes() {
    return successes.get();
  }

  /** How many answers of each kind ("201", "409 SECTION_FULL", "503 UNAVAILABLE", "no answer", …). */
  public Map<String, Integer> answers() {
    Map<String, Integer> out = new TreeMap<>();
    answers.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  private void next(int i, Random random, Promise<Void> done) {
    if (!running.get()) {
      done.complete();
      return;
    }
    String student = students.get(i);
    String token = tokens.get(i);
    List<Long> mine = new ArrayList<>(held.get(student));
    long target = sections.get(random.nextInt(sections.size()));
    int dice = random.nextInt(10);
    Future<Void> step;
    if (mine.isEmpty() || dice < 6) {
      step = service.select(token, target, false).transform(r -> record(student, r, 201, Set.of(target), Set.of(target), Set.of()));
    } else {
      long from = mine.get(random.nextInt(mine.size()));
      step = dice < 8
        ? service.drop(token, from).transform(r -> record(student, r, 204, Set.of(from), Set.of(), Set.of(from)))
        : service.swap(token, from, target).transform(r -> record(student, r, 200, Set.of(from, target), Set.of(target), Set.of(from)));
    }
    // A short pause between a student's requests: the load stays heavy without taking every core
    // of a small CI machine from the persister that must keep up with it.
    step.onComplete(v -> service.vertx.setTimer(THINK_MS, t -> next(i, random, done)));
  }

  /**
   * @param touched sections the request may change; {@code added} / {@code removed} on success
   */
  private Future<Void> record(String student, io.vertx.core.AsyncResult<HttpResponse<Buffer>> result, int success,
                              Set<Long> touched, Set<Long> added, Set<Long> removed) {
    String kind;
    if (result.failed()) {
      kind = "no answer";
      uncertain.get(student).addAll(touched);
    } else {
      HttpResponse<Buffer> response = result.result();
      int status = response.statusCode();
      if (status == success) {
        kind = Integer.toString(status);
        held.get(student).removeAll(removed);
        held.get(student).addAll(added);
        uncertain.get(student).removeAll(touched);
        successes.incrementAndGet();
      } else {
        String code = errorCode(response);
        kind = status + " " + code;
        // A 503 says nothing changed, but a connection cut after Redis applied a script cannot
        // tell; such a section is left out of the comparison rather than trusted either way.
        // TERM_NOT_READY is certain: the script refused, or never ran.
        if (status >= 500 && !"TERM_NOT_READY".equals(code)) uncertain.get(student).addAll(touched);
      }
    }
    answers.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    return Future.succeededFuture();
  }

  private static String errorCode(HttpResponse<Buffer> response) {
    try {
      return Service.errorCode(response);
    } catch (RuntimeException notJson) {
      return "?";
    }
  }

  /**
   * Differences between MySQL's enrollments and what the answers said, leaving out only sections a
   * student's unanswered requests touched: empty when every 2xx is in MySQL and nothing else is.
   */
  public List<String> mismatches(Fixture fixture, long termId) {
    Map<String, Set<Long>> stored = new HashMap<>();
    for (String row : fixture.rows("SELECT CONCAT(student_id, '@', section_id) FROM enrollments"
      + " WHERE term_id = ? AND state = 'ENROLLED'", termId)) {
      String[] parts = row.split("@");
      stored.computeIfAbsent(parts[0], s -> new HashSet<>()).add(Long.parseLong(parts[1]));
    }
    List<String> out = new ArrayList<>();
    for (String student : students) {
      Set<Long> expected = new HashSet<>(held.get(student));
      Set<Long> actual = new HashSet<>(stored.getOrDefault(student, Set.of()));
      expected.removeAll(uncertain.get(student));
      actual.removeAll(uncertain.get(student));
      if (!expected.equals(actual)) out.add(student + ": answers say " + expected + ", MySQL has " + actual);
    }
    return out;
  }

  /** Sections whose outcome no answer told (503 or a cut connection), over all students. */
  public int uncertainCount() {
    return uncertain.values().stream().mapToInt(Set::size).sum();
  }
}
