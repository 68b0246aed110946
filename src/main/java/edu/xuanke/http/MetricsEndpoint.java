package edu.xuanke.http;

import edu.xuanke.core.AppConfig;
import edu.xuanke.core.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * GET /metrics (Prometheus text): on the service's port by default; with {@code metricsPort} on a
 * listener of its own (e.g. bound to an internal address), and with {@code metricsToken} only for
 * a scraper that sends {@code Authorization: Bearer <token>}.
 */
public final class MetricsEndpoint {

  private MetricsEndpoint() {
  }

  /** Mounts /metrics on {@code router}. */
  public static void mount(Router router, AppConfig config) {
    router.get("/metrics").handler(tokenCheck(config.metricsToken())).handler(PrometheusScrapingHandler.create());
  }

  /** The router of the separate metrics listener: /metrics, and the error format for anything else. */
  public static Router router(Vertx vertx, AppConfig config) {
    Router router = Router.router(vertx);
    mount(router, config);
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(ApiErrors::handle);
    return router;
  }

  private static Handler<RoutingContext> tokenCheck(String token) {
    byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    return ctx -> {
      String given = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      if (token.isEmpty() || given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
        ctx.next();
      } else {
        ctx.fail(ErrorCode.UNAUTHENTICATED.exception());
      }
    };
  }
}
