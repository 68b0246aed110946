package edu.xuanke.http;

import edu.xuanke.core.AppConfig;
import edu.xuanke.http.pages.Pages;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.util.concurrent.TimeUnit;

/** The HTTP server of {@link ApiRouter}'s routes and pages. Deployed once per event loop. */
public class HttpVerticle extends VerticleBase {

  private static final long SHUTDOWN_GRACE_SECONDS = 10;

  private HttpServer server;

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    server = vertx.createHttpServer(new HttpServerOptions().setPort(config.httpPort()).setTcpFastOpen(true));
    return Pages.prepare(vertx).compose(ready -> server.requestHandler(ApiRouter.create(vertx, config)).listen());
  }

  /** Stops accepting connections and lets in-flight requests finish. */
  @Override
  public Future<?> stop() {
    return server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
  }
}
