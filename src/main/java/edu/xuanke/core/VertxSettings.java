package edu.xuanke.core;

import io.vertx.core.VertxOptions;

/** Options of the service's Vert.x instance, shared by {@code Main}, the bench harness and the tests. */
public final class VertxSettings {

  private VertxSettings() {
  }

  /**
   * One event loop per core: nothing here blocks a loop, and Vert.x's default of two per core
   * measured 23.7k selections/s, p99 31 ms, against 28.8k, p99 22 ms with one per core (the
   * harness, 2 cores). The count is fixed before any config can be read through Vert.x, so it
   * comes from XUANKE_EVENT_LOOPS.
   */
  public static VertxOptions options() {
    String loops = System.getenv("XUANKE_EVENT_LOOPS");
    return new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(
        loops == null || loops.isBlank() ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(loops.trim()))
      .setMetricsOptions(Metrics.options());
  }
}
