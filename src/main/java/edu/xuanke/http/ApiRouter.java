package edu.xuanke.http;

import edu.xuanke.auth.AuthService;
import edu.xuanke.auth.Tokens;
import edu.xuanke.core.AppConfig;
import edu.xuanke.course.CatalogService;
import edu.xuanke.course.SelectionService;
import edu.xuanke.round.RoundService;
import edu.xuanke.http.api.AdminRoutes;
import edu.xuanke.http.api.AuthRoutes;
import edu.xuanke.http.api.CatalogRoutes;
import edu.xuanke.http.api.MeRoutes;
import edu.xuanke.http.api.RoundRoutes;
import edu.xuanke.http.api.SeatsStream;
import edu.xuanke.http.api.SelectionRoutes;
import edu.xuanke.http.api.TimetableCalendar;
import edu.xuanke.http.pages.AdminPages;
import edu.xuanke.http.pages.Pages;
import edu.xuanke.http.pages.StudentPages;
import edu.xuanke.http.pages.WishesPages;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Every route of the service, in the order they match: public routes, the CSRF check of
 * cookie-authenticated changes, the selection changes (their scripts check the session), then the
 * JWT and session check for the rest of /api/**, the server-rendered pages (their own router,
 * {@link Pages}), and the error handler that turns every other failure into the API's error body (README, "Errors"; webroot/openapi.yaml).
 * In front of them all, {@link RouteTable} answers 405 for a known path asked with another method
 * (and lets HEAD in wherever GET is served). No domain logic lives here: each route calls a
 * typed event-bus service.
 */
public final class ApiRouter {

  private ApiRouter() {
  }

  public static Router create(Vertx vertx, AppConfig config) {
    AuthService auth = AuthService.createProxy(vertx);
    AuthService hashingAuth = AuthService.createHashingProxy(vertx);
    CatalogService catalog = CatalogService.createProxy(vertx);
    JWTAuth jwt = Tokens.provider(vertx, config);
    ClientIp clientIp = new ClientIp(config.trustedProxies());
    SessionCookie cookie = SessionCookie.forBaseUrl(config.publicBaseUrl());
    Csrf csrf = new Csrf(config.jwtSecret(), cookie);
    AuthRoutes authRoutes = new AuthRoutes(hashingAuth, clientIp, cookie);
    SelectionRoutes selectionRoutes = new SelectionRoutes(SelectionService.createLoopLocalProxy(vertx));
    TokenAuth withSession = TokenAuth.withSession(jwt, auth);

    AdminRoutes adminRoutes = new AdminRoutes(vertx, catalog, auth);

    Router router = Router.router(vertx);
    RouteTable routes = RouteTable.guarding(router);
    adminRoutes.mountUpload(router, csrf.apiGuard(), withSession, config.importFileLimit());
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(config.httpBodyLimit()));
    Health health = new Health(vertx, catalog);
    router.get("/health").handler(health::handle);
    if (config.metricsPort() == 0) MetricsEndpoint.mount(router, config);
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8")
      .sendFile("webroot/openapi.yaml"));
    authRoutes.mountPublic(router);
    router.route("/api/*").handler(csrf.apiGuard());
    authRoutes.mountAuthenticated(router, withSession);
    selectionRoutes.mountChanges(router, TokenAuth.signatureOnly(jwt));
    router.route("/api/*").handler(withSession);
    new CatalogRoutes(catalog).mount(router);
    new SeatsStream(vertx, catalog, SelectionService.createProxy(vertx)).mount(router);
    new MeRoutes(auth, hashingAuth, clientIp).mount(router);
    selectionRoutes.mountReads(router);
    RoundRoutes roundRoutes = new RoundRoutes(RoundService.createProxy(vertx), RoundService.createExportProxy(vertx), catalog);
    roundRoutes.mount(router);
    adminRoutes.mount(router);
    roundRoutes.mountAdmin(router);
    new TimetableCalendar(SelectionService.createProxy(vertx), config.timeZone()).mount(router);
    Pages pages = new Pages(vertx, router, withSession, auth, csrf, cookie, config.httpBodyLimit());
    new StudentPages(vertx, pages, auth, hashingAuth, catalog, SelectionService.createProxy(vertx), clientIp,
      config.emailCodeInterval().toSeconds()).mount();
    new WishesPages(pages, RoundService.createProxy(vertx), catalog).mount();
    new AdminPages(pages, auth, catalog, SelectionService.createProxy(vertx), config.timeZone()).mount();
    routes.seal(router);
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(ApiErrors::handle);
    return router;
  }
}
