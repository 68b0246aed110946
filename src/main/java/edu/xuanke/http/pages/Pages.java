package edu.xuanke.http.pages;

import edu.xuanke.auth.AuthService;
import edu.xuanke.core.ErrorCode;
import edu.xuanke.http.Csrf;
import edu.xuanke.http.SessionCookie;
import edu.xuanke.http.TokenAuth;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What every server-rendered page shares: a router for page routes (mounted in front of the
 * API's catch-all), the security headers (CSP: scripts, styles and connections from this origin
 * only, no inline script), the session cookie check with a redirect to /login, role checks,
 * CSRF on every form post, the language switch, static assets and HTML error pages.
 *
 * <p>A page module adds its routes with {@link #get} / {@link #post} (+ {@link #authenticated()}
 * and {@link #requireRole}) and answers with {@link #render}. The layout (pages/layout.peb) shows
 * who is logged in, logout, the language switch and, for admins, the link to /admin.
 */
public final class Pages {

  private static final Logger log = LoggerFactory.getLogger(Pages.class);
  private static final String PAGE = "xk.page";
  private static final String VIEWER = "xk.viewer";
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

  /** The process-wide engine and assets, read on a worker thread by {@link #prepare}. */
  private static final class Resources {
    static final Assets ASSETS = Assets.load();
    static final PageEngine ENGINE = new PageEngine(ASSETS);
  }

  private final Vertx vertx;
  private final Router router;
  private final TokenAuth sessions;
  private final AuthService auth;
  private final Csrf csrf;
  private final SessionCookie cookie;
  private final BodyHandler forms;

  public Pages(Vertx vertx, Router parent, TokenAuth sessions, AuthService auth, Csrf csrf, SessionCookie cookie,
               long bodyLimit) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.auth = auth;
    this.csrf = csrf;
    this.cookie = cookie;
    this.forms = BodyHandler.create(false).setBodyLimit(bodyLimit);
    this.router = Router.router(vertx);
    router.get("/static/:name").handler(ctx -> Resources.ASSETS.serve(ctx));
    get("/lang/:code").handler(this::switchLanguage);
    router.get().last().handler(this::notFound);
    router.route().failureHandler(this::failure);
    parent.route("/*").subRouter(router);
  }

  /** Reads templates' engine and assets once per process, off the event loop; call before serving pages. */
  public static Future<Void> prepare(Vertx vertx) {
    return vertx.executeBlocking(() -> Resources.ENGINE, false).mapEmpty();
  }

  /** A page answering GET. */
  public Route get(String path) {
    return router.get(path).handler(this::pageHeaders);
  }

  /** A form post: body read (size-limited) and CSRF token checked before anything else. */
  public Route post(String path) {
    return router.post(path).handler(forms).handler(this::pageHeaders).handler(csrf.formGuard());
  }

  /** Lets a request through when its session cookie is valid and live; else to /login (back here after). */
  public Handler<RoutingContext> authenticated() {
    return ctx -> {
      Cookie token = ctx.request().getCookie(TokenAuth.COOKIE);
      sessions.verify(token == null ? null : token.getValue())
        .onSuccess(claims -> {
          TokenAuth.accept(ctx, claims);
          ctx.next();
        })
        .onFailure(e -> {
          if (ErrorCode.of(e) != ErrorCode.UNAUTHENTICATED) {
            ctx.fail(e);
            return;
          }
          String back = ctx.request().method().name().equals("GET") ? ctx.request().uri() : "/";
          redirect(ctx, "/login?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8));
        });
    };
  }

  /** After {@link #authenticated()}: 403 unless the caller has {@code role} (e.g. "ADMIN"). */
  public static Handler<RoutingContext> requireRole(String role) {
    return ctx -> {
      if (role.equals(TokenAuth.role(ctx))) ctx.next();
      else ctx.fail(403);
    };
  }

  /** Renders {@code template} (under pages/, without .peb) with the layout's values added, on a worker thread. */
  public void render(RoutingContext ctx, int status, String template, Map<String, Object> model) {
    Locale locale = Lang.of(ctx);
    Map<String, Object> values = new HashMap<>();
    model.forEach((k, v) -> values.put(k, PageEngine.plain(v)));
    values.put("lang", Lang.tag(locale));
    values.put("csrf", csrf.token(ctx));
    values.put("path", ctx.request().path());
    values.put("uri", ctx.request().uri());
    values.put("area", ctx.request().path().split("/").length > 1 ? ctx.request().path().split("/")[1] : "");
    values.put("viewer", PageEngine.plain(ctx.get(VIEWER)));
    vertx.executeBlocking(() -> Resources.ENGINE.render(template, values, locale), false)
      .onSuccess(html -> ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .end(html))
      .onFailure(ctx::fail);
  }

  /**
   * Loads who is logged in (studentId, name, role) for the layout's header and passes it on;
   * pages that show their own profile may skip it and call {@link #viewer(RoutingContext, JsonObject)}.
   */
  public Future<JsonObject> viewer(RoutingContext ctx) {
    return auth.profile(TokenAuth.studentId(ctx))
      .otherwise(new JsonObject())
      .map(profile -> viewer(ctx, profile));
  }

  /** The layout's viewer from an already loaded profile. */
  public JsonObject viewer(RoutingContext ctx, JsonObject profile) {
    JsonObject viewer = new JsonObject()
      .put("studentId", TokenAuth.studentId(ctx))
      .put("name", profile.getString("name", ""))
      .put("role", TokenAuth.role(ctx))
      .put("admin", "ADMIN".equals(TokenAuth.role(ctx)));
    ctx.put(VIEWER, viewer);
    return viewer;
  }

  public SessionCookie cookie() {
    return cookie;
  }

  /** A page text in the request's language. */
  public static String text(RoutingContext ctx, String key, Object... args) {
    return PageEngine.text(Lang.of(ctx), key, args);
  }

  /** The request's language tag (zh-CN or en), e.g. for AuthService.login. */
  public static String langTag(RoutingContext ctx) {
    return Lang.tag(Lang.of(ctx));
  }

  /** 303 to a path of this site. */
  public static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("Location", location).end();
  }

  /**
   * {@code candidate} (already decoded) when it is a path on this site, else "/". Browsers treat a backslash
   * as a slash and drop tabs and newlines, so "/\t/evil" would become "//evil", another origin; other control
   * characters cannot go into a Location header at all.
   */
  public static String localPath(String candidate) {
    if (candidate == null || !candidate.startsWith("/") || candidate.startsWith("//")) return "/";
    for (int i = 0; i < candidate.length(); i++) {
      char c = candidate.charAt(i);
      if (c == '\\' || c < 0x20 || c == 0x7f) return "/";
    }
    return candidate;
  }

  private void pageHeaders(RoutingContext ctx) {
    ctx.put(PAGE, true);
    securityHeaders(ctx);
    ctx.next();
  }

  /** Every HTML answer's headers, error pages included. */
  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
      .putHeader("Content-Security-Policy", CSP)
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("X-Frame-Options", "DENY")
      .putHeader("Referrer-Policy", "same-origin")
      .putHeader("Cache-Control", "no-store");
  }

  /** A browser asking for a page that does not exist gets an HTML 404; anything else goes on to the API's. */
  private void notFound(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    if (ctx.request().path().startsWith("/api/") || accept == null || !accept.contains("text/html")) {
      ctx.next();
      return;
    }
    ctx.put(PAGE, true);
    ctx.fail(404);
  }

  private void switchLanguage(RoutingContext ctx) {
    String code = "en".equals(ctx.pathParam("code")) ? "en" : "zh-CN";
    ctx.response().addCookie(Cookie.cookie(Lang.COOKIE, code).setPath("/").setMaxAge(365L * 24 * 3600)
      .setHttpOnly(true).setSameSite(CookieSameSite.LAX).setSecure(cookie.secure()));
    redirect(ctx, localPath(ctx.request().getParam("next")));
  }

  /** Failures of page routes become an HTML page; anything else goes on to the API's error handler. */
  private void failure(RoutingContext ctx) {
    if (ctx.get(PAGE) == null || ctx.response().ended()) {
      ctx.next();
      return;
    }
    ErrorCode code = ErrorCode.of(ctx.failure());
    int status = code != null ? code.status : ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status >= 500) log.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    String key = switch (status) {
      case 403 -> "error.forbidden";
      case 404 -> "error.notFound";
      case 413 -> "error.tooLarge";
      case 503 -> "error.unavailable";
      default -> status < 500 ? "error.badRequest" : "error.internal";
    };
    securityHeaders(ctx);
    Map<String, Object> model = new HashMap<>();
    model.put("status", status);
    model.put("message", text(ctx, key));
    render(ctx, status, "error", model);
  }
}
