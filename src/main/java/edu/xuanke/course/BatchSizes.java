package edu.xuanke.course;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;

/**
 * How many selection steps each Redis call of {@link Scripts} carried (1: a step alone in its
 * event-loop turn, more: a lua/batch.lua call). Shown in GET /metrics as
 * {@code xuanke_selection_batch_steps} (count, sum, p50 and p99 over the last minute) and read by
 * the bench per phase.
 */
public final class BatchSizes {

  private static final Recorder RECORDER = new Recorder(2);

  private BatchSizes() {
  }

  static void record(int steps) {
    RECORDER.recordValue(steps);
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    // Registering again returns the summary already registered in this registry.
    if (registry != null) {
      DistributionSummary.builder("xuanke.selection.batch.steps")
        .description("Selection steps (select, drop, swap) per Redis call")
        .publishPercentiles(0.5, 0.99)
        .distributionStatisticExpiry(Duration.ofMinutes(1))
        .register(registry)
        .record(steps);
    }
  }

  /** The steps per call recorded since the previous call in this JVM. */
  public static Histogram sinceLastCall() {
    return RECORDER.getIntervalHistogram();
  }
}
