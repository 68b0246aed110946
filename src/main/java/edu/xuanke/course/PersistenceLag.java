package edu.xuanke.course;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.micrometer.backends.BackendRegistries;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Persistence lag: from an event's append to its term's stream (the time in its stream id) to the
 * commit of the MySQL transaction that stored it. Shown in GET /metrics as
 * {@code xuanke_persistence_lag_seconds} (p50, p99 over the last minute) and read by the bench per
 * phase. What a student's answer waits for in durability=memory and aof does not include this lag;
 * it is how long MySQL trails Redis.
 */
public final class PersistenceLag {

  private static final Recorder RECORDER = new Recorder(3);
  private static volatile Timer timer;

  private PersistenceLag() {
  }

  static void record(long appendedAtMs, long committedAtMs) {
    long lagMs = Math.max(0, committedAtMs - appendedAtMs);
    RECORDER.recordValue(lagMs);
    Timer current = timer();
    if (current != null) current.record(lagMs, TimeUnit.MILLISECONDS);
  }

  /** The lags recorded (in ms) since the previous call in this JVM. */
  public static Histogram sinceLastCall() {
    return RECORDER.getIntervalHistogram();
  }

  private static Timer timer() {
    Timer current = timer;
    if (current != null) return current;
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) return null;
    synchronized (PersistenceLag.class) {
      if (timer == null) {
        timer = Timer.builder("xuanke.persistence.lag")
          .description("Selection event appended to its Redis stream until its MySQL commit")
          .publishPercentiles(0.5, 0.99)
          .distributionStatisticExpiry(Duration.ofMinutes(1))
          .register(registry);
      }
      return timer;
    }
  }
}
