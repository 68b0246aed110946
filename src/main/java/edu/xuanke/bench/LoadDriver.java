package edu.xuanke.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives HTTP load like wrk: one request in flight per connection, the next sent when the
 * answer is in. Records every measured request's latency (HdrHistogram, µs), its outcome
 * (status and error code) and requests per second; prints progress once a second.
 */
final class LoadDriver {

  private static final com.sun.management.OperatingSystemMXBean PROCESS =
    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** One request to send. */
  record Request(HttpMethod method, String uri, Buffer body, String token, String op, Object context) {
  }

  /** What to send next, and what to learn from an answer. */
  interface Workload {
    Request next();

    default void answered(Request request, int status, Buffer body) {
    }
  }

  /** The figures of one phase. */
  static final class Result {
    final String phase;
    final Histogram latency = new ConcurrentHistogram(60_000_000L, 3);
    final Map<String, Histogram> latencyByOp = new ConcurrentHashMap<>();
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    final AtomicLongArray perSecond;
    final LongAdder failures = new LongAdder();
    final LongAdder requests = new LongAdder();
    /**
     * CPU time of this JVM (service and load generator) per request: unlike req/s it does not
     * drop when other processes take the cores, so it shows what a change saves on a busy machine.
     */
    double jvmCpuUsPerRequest;
    /** What Redis spent per EVALSHA during the measured part (zeros when none ran). */
    ScriptCost.PerCall redisPerScript = new ScriptCost.PerCall(0, 0);
    double seconds;

    Result(String phase, int seconds) {
      this.phase = phase;
      this.perSecond = new AtomicLongArray(seconds + 2);
    }

    double rps() {
      return requests.sum() / seconds;
    }

    double percentileMs(double p) {
      return latency.getValueAtPercentile(p) / 1000.0;
    }

    Map<String, Long> outcomeCounts() {
      Map<String, Long> counts = new TreeMap<>();
      outcomes.forEach((k, v) -> counts.put(k, v.sum()));
      return counts;
    }
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final String host;
  private final int port;
  private final int connections;

  LoadDriver(Vertx vertx, HttpClient client, String host, int port, int connections) {
    this.vertx = vertx;
    this.client = client;
    this.host = host;
    this.port = port;
    this.connections = connections;
  }

  /** Blocks the calling (non-Vert.x) thread for warm-up plus duration. */
  Result run(String phase, Workload workload, Duration warmup, Duration duration, ScriptCost scriptCost) {
    if (!warmup.isZero()) runFor(phase + " (warm-up)", workload, warmup, null);
    Result result = new Result(phase, (int) duration.toSeconds());
    scriptCost.start();
    long cpuBefore = PROCESS.getProcessCpuTime();
    runFor(phase, workload, duration, result);
    result.jvmCpuUsPerRequest = (PROCESS.getProcessCpuTime() - cpuBefore) / 1000.0 / Math.max(1, result.requests.sum());
    result.redisPerScript = scriptCost.perCall();
    return result;
  }

  private void runFor(String phase, Workload workload, Duration duration, Result result) {
    AtomicBoolean stop = new AtomicBoolean();
    long start = System.nanoTime();
    LongAdder lastSecond = new LongAdder();
    long progress = vertx.setPeriodic(1000, t -> {
      long left = duration.toSeconds() - (System.nanoTime() - start) / 1_000_000_000L;
      System.out.printf("  %-28s %3d s left  %,9d req/s%n", phase, Math.max(0, left), lastSecond.sumThenReset());
    });
    AtomicLong stoppedAt = new AtomicLong();
    vertx.setTimer(duration.toMillis(), t -> {
      stoppedAt.set(System.nanoTime());
      stop.set(true);
    });
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Promise<Void> done = Promise.promise();
      vertx.runOnContext(v -> loop(workload, stop, start, result, lastSecond, done));
      loops.add(done.future());
    }
    Future.join(loops).await();
    vertx.cancelTimer(progress);
    // Requests answered after the stop are not counted, so neither is the time they took.
    if (result != null) result.seconds = (stoppedAt.get() - start) / 1e9;
  }

  private void loop(Workload workload, AtomicBoolean stop, long phaseStart, Result result, LongAdder lastSecond,
                    Promise<Void> done) {
    if (stop.get()) {
      done.complete();
      return;
    }
    Request request = workload.next();
    RequestOptions options = new RequestOptions().setMethod(request.method()).setHost(host).setPort(port)
      .setURI(request.uri());
    if (request.token() != null) options.putHeader("Authorization", "Bearer " + request.token());
    if (request.body() != null) options.putHeader("Content-Type", "application/json");
    long sent = System.nanoTime();
    client.request(options)
      .compose(req -> request.body() == null ? req.send() : req.send(request.body()))
      .compose(response -> response.body().map(body -> {
        workload.answered(request, response.statusCode(), body);
        return outcome(response.statusCode(), body);
      }))
      .onComplete(ar -> {
        long now = System.nanoTime();
        lastSecond.increment();
        if (result != null && !stop.get()) {
          long micros = (now - sent) / 1000;
          result.latency.recordValue(Math.min(micros, 60_000_000L));
          result.latencyByOp.computeIfAbsent(request.op(), op -> new ConcurrentHistogram(60_000_000L, 3))
            .recordValue(Math.min(micros, 60_000_000L));
          result.outcomes.computeIfAbsent(request.op() + " " + (ar.succeeded() ? ar.result() : "IO_ERROR"),
            k -> new LongAdder()).increment();
          result.perSecond.incrementAndGet((int) Math.min(result.perSecond.length() - 1, (now - phaseStart) / 1_000_000_000L));
          result.requests.increment();
          if (ar.failed()) result.failures.increment();
        }
        loop(workload, stop, phaseStart, result, lastSecond, done);
      });
  }

  /** "201", "409 SECTION_FULL", …: the status and, for errors, the API error code. */
  private static String outcome(int status, Buffer body) {
    if (status < 400) return Integer.toString(status);
    String text = body.toString();
    int at = text.indexOf("\"code\":\"");
    if (at < 0) return Integer.toString(status);
    int end = text.indexOf('"', at + 8);
    return status + " " + text.substring(at + 8, end);
  }
}
