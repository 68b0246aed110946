package edu.xuanke.auth;

import edu.xuanke.support.BlockedThreads;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 100 logins hashing at production cost while students select and drop: the hashing stays on
 * its worker pool, no event loop is blocked, and every request is answered. The latency
 * figures are printed for the record; the bounds asserted are generous (machines are noisy,
 * and CI shares two cores) but far below what a hash on an event loop would cost: 100 hashes
 * of about 100 ms each would hold the selections for seconds.
 */
class LoginLoadTest {

  private static final int LOGINS = 100;
  private static final int SELECTORS = 16;
  /** conf/config.json's default cost. */
  private static final int PRODUCTION_ITERATIONS = 210_000;
  /** Selection latency allowed while the logins hash, at the median and the 99th percentile. */
  private static final double BUSY_P50_MS = 250;
  private static final double BUSY_P99_MS = 1_500;

  private Service service;
  private Fixture fixture;

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  @Test
  void selectionKeepsAnsweringWhileLoginsHash() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    Fixture.Term term = fixture.openTerm(3);
    long section = term.section("C1", 1000, 1, "08:00", "10:00");
    List<String> selectors = term.students("Q", SELECTORS);
    List<String> loggers = fixture.students("Z", LOGINS, term.id, true, PasswordHasher.hashNow(Fixture.PASSWORD, PRODUCTION_ITERATIONS));
    service.start();
    List<String> tokens = new ArrayList<>();
    for (String s : selectors) tokens.add(service.login(s));
    int blockedBefore = BlockedThreads.count();

    measure(tokens, section, 3_000, null); // warm-up: JIT, pools, prepared statements
    List<Long> quiet = measure(tokens, section, 4_000, null);

    AtomicInteger loggedIn = new AtomicInteger();
    long started = System.nanoTime();
    Future<Void> logins = Future.all(loggers.stream().map(id -> service.http.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("studentId", id).put("password", Fixture.PASSWORD))
      .map(r -> r.statusCode() == 200 ? loggedIn.incrementAndGet() : 0)).toList()).mapEmpty();
    List<Long> busy = measure(tokens, section, 0, logins);
    double loginSeconds = (System.nanoTime() - started) / 1e9;

    assertEquals(LOGINS, loggedIn.get());
    assertEquals(blockedBefore, BlockedThreads.count(), "no event loop was blocked");
    System.out.printf("login load: %d logins (PBKDF2, " + PRODUCTION_ITERATIONS + " iterations) in %.1f s; selection latency quiet p50 %.1f ms p99 %.1f ms"
        + " (%d req), while hashing p50 %.1f ms p99 %.1f ms (%d req)%n", LOGINS, loginSeconds,
      percentile(quiet, 50), percentile(quiet, 99), quiet.size(), percentile(busy, 50), percentile(busy, 99), busy.size());
    assertTrue(busy.size() >= SELECTORS, "selections went on while hashing: " + busy.size());
    assertTrue(percentile(busy, 50) <= BUSY_P50_MS, "selection p50 while hashing " + percentile(busy, 50) + " ms");
    assertTrue(percentile(busy, 99) <= BUSY_P99_MS, "selection p99 while hashing " + percentile(busy, 99) + " ms");
  }

  /**
   * Each selector selects and drops in turn, one request at a time, until {@code millis} pass
   * or {@code until} completes; returns every request's latency in µs. Fails on any non-2xx.
   */
  private List<Long> measure(List<String> tokens, long section, long millis, Future<Void> until) {
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    if (until != null) until.onComplete(x -> stop.set(true));
    else service.vertx.setTimer(millis, t -> stop.set(true));
    List<Future<Void>> loops = new ArrayList<>();
    for (String token : tokens) {
      Promise<Void> done = Promise.promise();
      loop(token, section, true, stop, latencies, done);
      loops.add(done.future());
    }
    Future.all(loops).await();
    return latencies;
  }

  private void loop(String token, long section, boolean select, AtomicBoolean stop, List<Long> latencies, Promise<Void> done) {
    if (stop.get() && select) {
      done.complete();
      return;
    }
    long start = System.nanoTime();
    (select ? service.select(token, section, false) : service.drop(token, section)).onComplete(ar -> {
      if (ar.failed() || ar.result().statusCode() >= 300) {
        done.fail(ar.failed() ? ar.cause().toString() : ar.result().bodyAsString());
        return;
      }
      latencies.add((System.nanoTime() - start) / 1000);
      loop(token, section, !select, stop, latencies, done);
    });
  }

  private static double percentile(List<Long> micros, int p) {
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1000.0;
  }
}
