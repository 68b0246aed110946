package edu.xuanke.http.pages;

import edu.xuanke.auth.AuthService;
import edu.xuanke.core.ErrorCode;
import edu.xuanke.course.CatalogService;
import edu.xuanke.course.SelectionService;
import edu.xuanke.http.ClientIp;
import edu.xuanke.http.TokenAuth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.serviceproxy.ServiceException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The student's pages: login, catalog (/), timetable, profile, password, activation. Every rule
 * is the services' (AuthService, CatalogService, SelectionService); these handlers only read
 * forms, call a service and show its answer. Selecting, dropping and swapping go from the page's
 * script straight to the JSON API.
 */
public final class StudentPages {

  static final List<String> PROFILE_FIELDS = List.of("name", "gender", "className", "major", "college", "email", "phone");

  private final Pages pages;
  private final AuthService auth;
  private final AuthService hashingAuth;
  private final CatalogService catalog;
  private final SelectionService selection;
  private final PageCatalog cachedCatalog;
  private final ClientIp clientIp;
  private final long codeIntervalSeconds;

  /** {@code codeIntervalSeconds}: how long the password page waits before offering another email code. */
  public StudentPages(Vertx vertx, Pages pages, AuthService auth, AuthService hashingAuth, CatalogService catalog,
                      SelectionService selection, ClientIp clientIp, long codeIntervalSeconds) {
    this.pages = pages;
    this.auth = auth;
    this.hashingAuth = hashingAuth;
    this.catalog = catalog;
    this.selection = selection;
    this.cachedCatalog = new PageCatalog(vertx, catalog);
    this.clientIp = clientIp;
    this.codeIntervalSeconds = codeIntervalSeconds;
  }

  public void mount() {
    pages.get("/login").handler(ctx -> login(ctx, 200, new JsonObject()));
    pages.post("/login").handler(this::submitLogin);
    pages.post("/logout").handler(pages.authenticated()).handler(this::logout);
    pages.get("/").handler(pages.authenticated()).handler(this::catalogPage);
    pages.get("/timetable").handler(pages.authenticated()).handler(this::timetable);
    pages.get("/profile").handler(pages.authenticated()).handler(this::profile);
    pages.post("/profile").handler(pages.authenticated()).handler(this::submitProfile);
    pages.get("/password").handler(pages.authenticated()).handler(ctx -> password(ctx, 200, new JsonObject()));
    pages.post("/password").handler(pages.authenticated()).handler(this::submitPassword);
    pages.get("/activate").handler(ctx -> activate(ctx, 200, new JsonObject()));
    pages.post("/activate").handler(this::submitActivate);
  }

  private void login(RoutingContext ctx, int status, JsonObject form) {
    Map<String, Object> model = new HashMap<>();
    model.put("form", form);
    model.put("next", Pages.localPath(ctx.request().getParam("next")));
    model.put("notice", noticeOf(ctx));
    pages.render(ctx, status, "login", model);
  }

  private void submitLogin(RoutingContext ctx) {
    String studentId = form(ctx, "studentId").trim();
    String password = form(ctx, "password");
    String next = Pages.localPath(ctx.request().getFormAttribute("next"));
    hashingAuth.login(studentId, password, clientIp.of(ctx), Pages.langTag(ctx))
      .onSuccess(session -> {
        pages.cookie().set(ctx.response(), session.getString("token"));
        boolean mustChange = session.getJsonObject("user").getBoolean("mustChangePassword", false);
        Pages.redirect(ctx, mustChange ? "/password" : next);
      })
      .onFailure(e -> {
        ErrorCode code = ErrorCode.of(e);
        if (code == null || code == ErrorCode.INTERNAL) {
          ctx.fail(e);
          return;
        }
        JsonObject form = new JsonObject().put("studentId", studentId);
        long wait = details(e).getLong("retryAfterSeconds", 0L);
        if (code == ErrorCode.RATE_LIMITED) {
          ctx.response().putHeader("Retry-After", Long.toString(wait));
          form.put("error", Pages.text(ctx, "login.locked", (wait + 59) / 60));
        } else {
          form.put("error", Pages.text(ctx, "login.error." + code.name()));
        }
        ctx.request().params().set("next", next);
        login(ctx, code.status, form);
      });
  }

  private void logout(RoutingContext ctx) {
    auth.logout(TokenAuth.studentId(ctx), TokenAuth.sessionId(ctx), TokenAuth.sessionTerm(ctx))
      .onSuccess(v -> {
        pages.cookie().clear(ctx.response());
        Pages.redirect(ctx, "/login");
      })
      .onFailure(ctx::fail);
  }

  private void catalogPage(RoutingContext ctx) {
    Future<JsonObject> viewer = pages.viewer(ctx);
    if (TokenAuth.mustChangePassword(ctx)) {
      // The API refuses this session's selections until the one-time password is replaced.
      viewer.onSuccess(v -> pages.render(ctx, 200, "password-required", new HashMap<>())).onFailure(ctx::fail);
      return;
    }
    cachedCatalog.snapshot().transform(found -> {
      if (found.failed()) {
        if (ErrorCode.of(found.cause()) == ErrorCode.NOT_FOUND) return Future.succeededFuture((CatalogView) null);
        return Future.failedFuture(found.cause());
      }
      PageCatalog.Snapshot snapshot = found.result();
      long termId = snapshot.term().getLong("id");
      Future<JsonObject> seats = catalog.seats(termId);
      Future<JsonObject> held = selection.selections(TokenAuth.studentId(ctx));
      return Future.all(seats, held).map(both -> new CatalogView(snapshot, seats.result(), held.result()));
    }).compose(view -> viewer.map(v -> view)).onSuccess(view -> {
      Map<String, Object> model = new HashMap<>();
      if (view != null) {
        CatalogFilter filter = CatalogFilter.of(ctx);
        model.put("term", TermView.of(view.snapshot().term()));
        model.put("filter", filter.toJson());
        model.put("options", CatalogGroups.options(view.snapshot().sections()));
        model.put("groups", CatalogGroups.of(view.snapshot().sections(), view.seats(), view.held(), filter));
        model.put("names", view.snapshot().sections());
      }
      pages.render(ctx, 200, "catalog", model);
    }).onFailure(ctx::fail);
  }

  private record CatalogView(PageCatalog.Snapshot snapshot, JsonObject seats, JsonObject held) {
  }

  private void timetable(RoutingContext ctx) {
    Future<JsonObject> viewer = pages.viewer(ctx);
    Future<JsonObject> held = selection.selections(TokenAuth.studentId(ctx)).recover(e ->
      ErrorCode.of(e) == ErrorCode.NOT_FOUND ? Future.succeededFuture(new JsonObject()) : Future.failedFuture(e));
    Future<JsonArray> sections = cachedCatalog.snapshot().map(PageCatalog.Snapshot::sections).otherwise(new JsonArray());
    Future.all(viewer, held, sections).onSuccess(all -> {
      Map<String, Object> model = new HashMap<>();
      Timetable timetable = Timetable.of(held.result(), sections.result());
      model.put("enrolled", timetable.enrolled());
      model.put("waitlisted", timetable.waitlisted());
      model.put("slots", timetable.grid());
      model.put("weekdays", List.of(1, 2, 3, 4, 5, 6, 7));
      model.put("termId", held.result().getLong("termId"));
      pages.render(ctx, 200, "timetable", model);
    }).onFailure(ctx::fail);
  }

  private void profile(RoutingContext ctx) {
    Future<JsonObject> profile = auth.profile(TokenAuth.studentId(ctx));
    Future<JsonArray> colleges = auth.colleges();
    Future.all(profile, colleges).onSuccess(both -> {
      pages.viewer(ctx, profile.result());
      showProfile(ctx, 200, profile.result(), new JsonObject(), colleges.result(), "1".equals(ctx.request().getParam("saved")));
    }).onFailure(ctx::fail);
  }

  private void submitProfile(RoutingContext ctx) {
    JsonObject submitted = new JsonObject();
    for (String field : PROFILE_FIELDS) submitted.put(field, form(ctx, field).trim());
    String currentPassword = form(ctx, "currentPassword");
    JsonObject update = submitted.copy();
    if (!currentPassword.isEmpty()) update.put("currentPassword", currentPassword);
    auth.updateProfile(TokenAuth.studentId(ctx), update, clientIp.of(ctx))
      .onSuccess(saved -> Pages.redirect(ctx, "/profile?saved=1"))
      .onFailure(e -> {
        ErrorCode code = ErrorCode.of(e);
        if (code != ErrorCode.VALIDATION_FAILED && code != ErrorCode.RATE_LIMITED) {
          ctx.fail(e);
          return;
        }
        JsonObject errors = code == ErrorCode.RATE_LIMITED ? locked(ctx, e) : fieldErrors(ctx, e);
        Future.all(auth.profile(TokenAuth.studentId(ctx)), auth.colleges()).onSuccess(both -> {
          pages.viewer(ctx, both.resultAt(0));
          showProfile(ctx, code.status, submitted, errors, both.resultAt(1), false);
        }).onFailure(ctx::fail);
      });
  }

  private void showProfile(RoutingContext ctx, int status, JsonObject values, JsonObject errors, JsonArray colleges,
                           boolean saved) {
    Map<String, Object> model = new HashMap<>();
    model.put("values", values);
    model.put("errors", errors);
    model.put("colleges", colleges);
    model.put("saved", saved);
    pages.render(ctx, status, "profile", model);
  }

  /**
   * A session that logged in with a one-time password (import, admin reset) replaces it with that
   * password, as PUT /api/me/password with currentPassword does; any other changes it with a mailed code.
   */
  private void password(RoutingContext ctx, int status, JsonObject errors) {
    boolean oneTime = TokenAuth.mustChangePassword(ctx);
    auth.profile(TokenAuth.studentId(ctx)).onSuccess(profile -> {
      pages.viewer(ctx, profile);
      Map<String, Object> model = new HashMap<>();
      model.put("email", profile.getString("email", ""));
      model.put("codeInterval", codeIntervalSeconds);
      model.put("errors", errors);
      pages.render(ctx, status, oneTime ? "one-time-password" : "password", model);
    }).onFailure(ctx::fail);
  }

  private void submitPassword(RoutingContext ctx) {
    String newPassword = form(ctx, "newPassword");
    if (!newPassword.equals(form(ctx, "repeatPassword"))) {
      password(ctx, 400, new JsonObject().put("repeatPassword", Pages.text(ctx, "fieldError.MISMATCH")));
      return;
    }
    boolean oneTime = TokenAuth.mustChangePassword(ctx);
    String studentId = TokenAuth.studentId(ctx);
    (oneTime ? hashingAuth.replaceOneTimePassword(studentId, form(ctx, "currentPassword"), newPassword, clientIp.of(ctx))
      : hashingAuth.changePassword(studentId, form(ctx, "code").trim(), newPassword))
      .onSuccess(v -> {
        // Every session of the account has ended, this one too.
        pages.cookie().clear(ctx.response());
        Pages.redirect(ctx, oneTime ? "/login?notice=passwordSet" : "/login?notice=passwordChanged");
      })
      .onFailure(e -> {
        ErrorCode code = ErrorCode.of(e);
        if (code == ErrorCode.VALIDATION_FAILED) password(ctx, 400, fieldErrors(ctx, e));
        else if (oneTime && code == ErrorCode.BAD_CREDENTIALS) password(ctx, 400, wrongCurrentPassword(ctx));
        else if (oneTime && code == ErrorCode.RATE_LIMITED) password(ctx, 429, locked(ctx, e));
        else ctx.fail(e);
      });
  }

  /**
   * Wrong current passwords count with failed logins: once locked, the form says how long to wait
   * at the current password's field.
   */
  private static JsonObject locked(RoutingContext ctx, Throwable failure) {
    long wait = details(failure).getLong("retryAfterSeconds", 60L);
    ctx.response().putHeader("Retry-After", Long.toString(wait));
    return new JsonObject().put("currentPassword", Pages.text(ctx, "fieldError.LOCKED", (wait + 59) / 60));
  }

  /** The service answers a wrong one-time password as a failed login; the form shows it at its field. */
  private static JsonObject wrongCurrentPassword(RoutingContext ctx) {
    return new JsonObject().put("currentPassword", Pages.text(ctx, "password.wrongCurrent"));
  }

  private void activate(RoutingContext ctx, int status, JsonObject errors) {
    Map<String, Object> model = new HashMap<>();
    String token = ctx.request().getParam("token");
    if (token == null) token = ctx.request().getFormAttribute("token");
    model.put("token", token == null ? "" : token);
    model.put("errors", errors);
    pages.render(ctx, status, "activate", model);
  }

  private void submitActivate(RoutingContext ctx) {
    String password = form(ctx, "password");
    if (!password.equals(form(ctx, "repeatPassword"))) {
      activate(ctx, 400, new JsonObject().put("repeatPassword", Pages.text(ctx, "fieldError.MISMATCH")));
      return;
    }
    hashingAuth.activate(form(ctx, "token"), password)
      .onSuccess(v -> Pages.redirect(ctx, "/login?notice=activated"))
      .onFailure(e -> {
        if (ErrorCode.of(e) == ErrorCode.VALIDATION_FAILED) activate(ctx, 400, fieldErrors(ctx, e));
        else ctx.fail(e);
      });
  }

  /** A known notice from the query (after a redirect); anything else is ignored. */
  private static String noticeOf(RoutingContext ctx) {
    String notice = ctx.request().getParam("notice");
    return notice != null && List.of("passwordChanged", "passwordSet", "activated").contains(notice)
      ? Pages.text(ctx, "notice." + notice) : null;
  }

  /** details.fields of a VALIDATION_FAILED, each code turned into a sentence in the page's language. */
  private static JsonObject fieldErrors(RoutingContext ctx, Throwable failure) {
    JsonObject fields = details(failure).getJsonObject("fields", new JsonObject());
    JsonObject sentences = new JsonObject();
    fields.forEach(e -> sentences.put(e.getKey(), Pages.text(ctx, "fieldError." + e.getValue())));
    return sentences;
  }

  private static JsonObject details(Throwable failure) {
    return failure instanceof ServiceException se && se.getDebugInfo() != null ? se.getDebugInfo() : new JsonObject();
  }

  private static String form(RoutingContext ctx, String name) {
    String value = ctx.request().getFormAttribute(name);
    return value == null ? "" : value;
  }
}
