package edu.xuanke.http;

import edu.xuanke.auth.AuthService;
import edu.xuanke.auth.Tokens;
import edu.xuanke.core.AppConfig;
import edu.xuanke.course.CatalogService;
import edu.xuanke.course.SelectionService;
import edu.xuanke.http.api.AuthRoutes;
import edu.xuanke.http.api.CatalogRoutes;
import edu.xuanke.http.api.MeRoutes;
import edu.xuanke.http.api.SelectionRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP front: routes of API.md, the JWT check on /api/**, error bodies. It holds no domain
 * logic; every route calls a typed event-bus service. Deployed once per event loop.
 */
public class HttpVerticle extends VerticleBase {

  private static final long SHUTDOWN_GRACE_SECONDS = 10;

  private HttpServer server;
  private CatalogService catalog;

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    catalog = CatalogService.createProxy(vertx);

    AuthService auth = AuthService.createProxy(vertx);
    JWTAuth jwt = Tokens.provider(vertx, config);
    ClientIp clientIp = new ClientIp(config.trustedProxies());
    AuthService hashingAuth = AuthService.createHashingProxy(vertx);
    AuthRoutes authRoutes = new AuthRoutes(hashingAuth, clientIp, config.publicBaseUrl().startsWith("https:"));
    SelectionRoutes selectionRoutes = new SelectionRoutes(SelectionService.createProxy(vertx));
    TokenAuth withSession = TokenAuth.withSession(jwt, auth);

    Router router = Router.router(vertx);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(config.httpBodyLimit()));
    router.get("/health").handler(this::health);
    authRoutes.mountPublic(router);
    authRoutes.mountAuthenticated(router, withSession);
    selectionRoutes.mountChanges(router, TokenAuth.signatureOnly(jwt));
    router.route("/api/*").handler(withSession);
    new CatalogRoutes(catalog).mount(router);
    new MeRoutes(auth, hashingAuth, clientIp).mount(router);
    selectionRoutes.mountReads(router);
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(ApiErrors::handle);

    server = vertx.createHttpServer(new HttpServerOptions().setPort(config.httpPort()).setTcpFastOpen(true));
    return server.requestHandler(router).listen();
  }

  /** 200 when Redis and MySQL both answer, else 503; the checks say which is down. */
  private void health(RoutingContext ctx) {
    catalog.health()
      .otherwise(new JsonObject().put("redis", "DOWN").put("mysql", "DOWN"))
      .onSuccess(stores -> {
        boolean up = "UP".equals(stores.getString("redis")) && "UP".equals(stores.getString("mysql"));
        JsonArray checks = new JsonArray();
        stores.forEach(e -> checks.add(new JsonObject().put("id", e.getKey()).put("status", e.getValue())));
        ctx.response().setStatusCode(up ? 200 : 503)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks).toBuffer());
      });
  }

  /** Stops accepting connections and lets in-flight requests finish. */
  @Override
  public Future<?> stop() {
    return server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
  }
}
