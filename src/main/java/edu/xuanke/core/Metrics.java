package edu.xuanke.core;

import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What GET /metrics shows (Vert.x Micrometer, Prometheus text): HTTP requests by route, method and
 * status, worker pools (the password hashing queue), verticles and the JVM. The event bus and raw
 * TCP metrics are left out: they would be counted for every selection (the event-bus hop) and say
 * nothing the HTTP figures do not. Labels are the low-cardinality ones only (no client address,
 * no raw path).
 */
public final class Metrics {

  private Metrics() {
  }

  public static MicrometerMetricsOptions options() {
    Set<String> disabled = EnumSet.of(MetricsDomain.EVENT_BUS, MetricsDomain.NET_SERVER, MetricsDomain.NET_CLIENT,
        MetricsDomain.HTTP_CLIENT, MetricsDomain.DATAGRAM_SOCKET).stream()
      .map(MetricsDomain::toCategory).collect(Collectors.toSet());
    return new MicrometerMetricsOptions()
      .setEnabled(true)
      .setJvmMetricsEnabled(true)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
      .setDisabledMetricsCategories(disabled)
      .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME));
  }
}
