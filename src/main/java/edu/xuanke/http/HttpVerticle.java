package edu.xuanke.http;

import edu.xuanke.core.AppConfig;
import edu.xuanke.http.pages.Pages;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP server of {@link ApiRouter}'s routes and pages (and, when {@code metricsPort} is set,
 * the metrics listener). Deployed once per event loop. Connections that idle, or dribble their
 * request, are closed ({@link ConnectionDeadlines}); a request the HTTP decoder refuses (line or
 * headers too long, malformed) is answered in the error format.
 */
public class HttpVerticle extends VerticleBase {

  private static final long SHUTDOWN_GRACE_SECONDS = 10;

  private HttpServer server;
  private HttpServer metrics;
  private ConnectionDeadlines deadlines;

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    deadlines = new ConnectionDeadlines(vertx, config.httpHeaderTimeout().toMillis(), config.httpIdleTimeout().toMillis(),
      config.httpBodyTimeout().toMillis());
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.httpHost()).setPort(config.httpPort())
        .setTcpFastOpen(true).setIdleTimeout((int) config.httpIdleTimeout().toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS))
      .connectionHandler(connection -> {
        HttpVersionFilter.install(connection);
        deadlines.opened(connection);
      })
      .invalidRequestHandler(ApiErrors::invalidRequest);
    Future<?> metricsListening = Future.succeededFuture();
    if (config.metricsPort() > 0) {
      metrics = vertx.createHttpServer(new HttpServerOptions().setHost(config.metricsHost()).setPort(config.metricsPort()));
      metricsListening = metrics.requestHandler(MetricsEndpoint.router(vertx, config)).listen();
    }
    Future<?> metricsReady = metricsListening;
    return Pages.prepare(vertx)
      .compose(ready -> {
        Router router = ApiRouter.create(vertx, config);
        return server.requestHandler(request -> {
          deadlines.requested(request);
          router.handle(request);
        }).listen();
      })
      .compose(listening -> metricsReady);
  }

  /** Stops accepting connections and lets in-flight requests finish. */
  @Override
  public Future<?> stop() {
    deadlines.stop();
    Future<?> metricsClosed = metrics == null ? Future.succeededFuture() : metrics.close();
    return Future.all(server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS), metricsClosed);
  }
}
