package edu.xuanke.http.api;

import edu.xuanke.admin.AdminService;
import edu.xuanke.auth.AuthService;
import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Fields;
import edu.xuanke.course.CatalogKind;
import edu.xuanke.course.CatalogService;
import edu.xuanke.course.SelectionService;
import edu.xuanke.http.IdempotencyKeys;
import edu.xuanke.http.Requests;
import edu.xuanke.http.TokenAuth;
import edu.xuanke.round.RoundService;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * /api/admin/**: catalog records, students, imports, password resets, export, dashboard figures
 * and reconciliation. Every route is behind the session check and {@link #requireAdmin}.
 */
public final class AdminRoutes {

  private static final long STATS_EVERY_MS = 2_000;

  private final Vertx vertx;
  private final CatalogService catalog;
  private final AuthService auth;
  private final AdminService admin;
  private final AdminService localAdmin;
  private final IdempotencyKeys idempotencyKeys;
  private final RoundService rounds;
  private final SelectionService selection;
  private final String uploads;

  public AdminRoutes(Vertx vertx, CatalogService catalog, AuthService auth) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.auth = auth;
    this.admin = AdminService.createProxy(vertx);
    this.localAdmin = AdminService.createLocalProxy(vertx);
    this.idempotencyKeys = new IdempotencyKeys(admin);
    this.rounds = RoundService.createProxy(vertx);
    this.selection = SelectionService.createProxy(vertx);
    this.uploads = Path.of(System.getProperty("java.io.tmpdir"), "xuanke-uploads").toString();
  }

  /** 403 FORBIDDEN unless the caller's token says ADMIN (the session check ran before). */
  public static void requireAdmin(RoutingContext ctx) {
    if ("ADMIN".equals(TokenAuth.role(ctx))) ctx.next();
    else ctx.fail(ErrorCode.FORBIDDEN.exception());
  }

  /**
   * The upload route, mounted before the API's small-body handler: its body is a file of up to
   * {@code fileLimit} bytes, read to disk. {@code csrfGuard}: the API's check for cookie-authenticated changes.
   * The caller is checked (CSRF, live session, ADMIN) before a byte of the file is read: the request is
   * paused over the asynchronous session check, and a refused upload's connection is closed rather than
   * left holding an unread body.
   */
  public void mountUpload(Router router, Handler<RoutingContext> csrfGuard, Handler<RoutingContext> withSession,
                          long fileLimit) {
    String path = "/api/admin/students/import";
    router.post(path)
      .handler(ctx -> {
        ctx.request().pause();
        ctx.next();
      })
      .handler(csrfGuard).handler(withSession).handler(AdminRoutes::requireAdmin)
      .handler(ctx -> {
        ctx.request().resume();
        ctx.next();
      })
      .failureHandler(ctx -> {
        if (!ctx.request().isEnded()) {
          ctx.response().putHeader("Connection", "close");
          // Vert.x keeps the connection of an unfinished request open, its body unread: close it once answered.
          ctx.addEndHandler(answered -> ctx.request().connection().close());
        }
        ctx.next();
      });
    // A second route: Vert.x puts a route's body handler before its user handlers.
    router.post(path)
      .handler(BodyHandler.create(uploads).setBodyLimit(fileLimit).setDeleteUploadedFilesOnEnd(true))
      .handler(idempotencyKeys::handle)
      .handler(this::startImport);
  }

  public void mount(Router router) {
    router.route("/api/admin/*").handler(AdminRoutes::requireAdmin).handler(idempotencyKeys::handle);
    for (CatalogKind kind : CatalogKind.values()) {
      String base = "/api/admin/" + kind.path();
      router.get(base).handler(ctx -> Json.reply(ctx, 200, catalog.records(kind, Requests.queryId(ctx, "termId"))));
      router.post(base).handler(ctx -> Json.reply(ctx, 201, catalog.saveRecord(kind, 0, Requests.body(ctx))));
      router.put(base + "/:id").handler(ctx ->
        Json.reply(ctx, 200, catalog.saveRecord(kind, Requests.pathId(ctx, "id"), Requests.body(ctx))));
      router.delete(base + "/:id").handler(ctx -> Json.noContent(ctx, catalog.retireRecord(kind, Requests.pathId(ctx, "id"))));
    }
    router.get("/api/admin/students").handler(this::students);
    router.post("/api/admin/students").handler(ctx -> {
      JsonObject body = Requests.body(ctx);
      admin.addStudent(Requests.requiredId(body, "termId"), body)
        .onSuccess(added -> Json.ok(ctx, added.getBoolean("created") ? 201 : 200, added)).onFailure(ctx::fail);
    });
    router.post("/api/admin/students/:studentId/reset-password").handler(ctx ->
      Json.reply(ctx, 200, auth.resetPassword(ctx.pathParam("studentId"))));
    mountStudent(router);
    router.get("/api/admin/jobs/:jobId").handler(ctx -> {
      String jobId = ctx.pathParam("jobId");
      Json.reply(ctx, 200, jobId.startsWith(RoundService.JOB_PREFIX) ? rounds.job(jobId) : admin.job(jobId));
    });
    router.get("/api/admin/jobs/:jobId/passwords").handler(ctx -> admin.importPasswords(ctx.pathParam("jobId"))
      .onSuccess(csv -> ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Content-Disposition", "attachment; filename=\"passwords-" + ctx.pathParam("jobId") + ".csv\"")
        .end(csv))
      .onFailure(ctx::fail));
    router.get("/api/admin/export").handler(ctx -> {
      long termId = requiredTerm(ctx);
      String list = ctx.request().getParam("list", "enrollments");
      sendFile(ctx, "xuanke-term-" + termId + ("waitlist".equals(list) ? "-waitlist." : ".") + format(ctx),
        localAdmin.exportFile(termId, list, format(ctx), ctx.request().getParam("lang", "zh-CN"), Requests.queryId(ctx, "sectionId")));
    });
    router.get("/api/admin/unselected").handler(ctx -> {
      long termId = requiredTerm(ctx);
      sendFile(ctx, "xuanke-unselected-" + termId + "." + format(ctx),
        localAdmin.unselectedFile(termId, format(ctx), ctx.request().getParam("lang", "zh-CN")));
    });
    router.get("/api/admin/reconcile").handler(ctx -> Json.reply(ctx, 200,
      admin.reconcile(requiredTerm(ctx)).map(differences -> new JsonObject().put("differences", differences))));
    router.get("/api/admin/stats").handler(ctx -> Json.reply(ctx, 200, admin.stats(requiredTerm(ctx))));
    router.get("/api/admin/stats/stream").handler(this::statsStream);
  }

  /**
   * One student: the profile with their selections and waitlists in their cohort's term, edits,
   * deactivation, and selecting or dropping on their behalf through the students' own scripts
   * (every check a student's change gets; recorded as made by the calling admin).
   */
  private void mountStudent(Router router) {
    String student = "/api/admin/students/:studentId";
    router.get(student).handler(ctx -> Json.reply(ctx, 200, auth.student(ctx.pathParam("studentId"))
      .compose(profile -> profile.getLong("termId") == null ? Future.succeededFuture(new JsonObject().put("student", profile))
        : selection.selectionsIn(profile.getLong("termId"), profile.getString("studentId"))
          .map(selections -> new JsonObject().put("student", profile).put("selections", selections)))));
    router.put(student).handler(ctx -> Json.reply(ctx, 200, admin.editStudent(ctx.pathParam("studentId"), Requests.body(ctx))));
    router.post(student + "/deactivate").handler(ctx -> Json.reply(ctx, 200, auth.setActive(ctx.pathParam("studentId"), false)));
    router.post(student + "/reactivate").handler(ctx -> Json.reply(ctx, 200, auth.setActive(ctx.pathParam("studentId"), true)));
    router.post(student + "/selections").handler(ctx -> {
      JsonObject body = Requests.body(ctx);
      long sectionId = Requests.requiredId(body, "sectionId");
      boolean waitlist = Requests.optionalBoolean(body, "waitlist");
      storedId(ctx).compose(id -> selection.selectFor(id, sectionId, waitlist, TokenAuth.studentId(ctx)))
        .onSuccess(result -> Json.ok(ctx, "ENROLLED".equals(result.getString("status")) ? 201 : 202, result))
        .onFailure(ctx::fail);
    });
    router.delete(student + "/selections/:sectionId").handler(ctx -> Json.noContent(ctx, storedId(ctx)
      .compose(id -> selection.dropFor(id, Requests.pathId(ctx, "sectionId"), TokenAuth.studentId(ctx)))));
    router.delete(student + "/waitlist/:sectionId").handler(ctx -> Json.noContent(ctx, storedId(ctx)
      .compose(id -> selection.leaveWaitlistFor(id, Requests.pathId(ctx, "sectionId"), TokenAuth.studentId(ctx)))));
  }

  /** The path's student as stored (the live state is keyed by it); NOT_FOUND for no such student. */
  private Future<String> storedId(RoutingContext ctx) {
    return auth.student(ctx.pathParam("studentId")).map(profile -> profile.getString("studentId"));
  }

  private static long requiredTerm(RoutingContext ctx) {
    long termId = Requests.queryId(ctx, "termId");
    if (termId == 0) throw ErrorCode.BAD_REQUEST.exception(Fields.details("termId", "REQUIRED"));
    return termId;
  }

  private void students(RoutingContext ctx) {
    JsonObject query = new JsonObject();
    for (String name : List.of("q", "className", "college")) {
      String value = ctx.request().getParam(name);
      if (value != null) query.put(name, value);
    }
    for (String name : List.of("page", "size")) {
      String value = ctx.request().getParam(name);
      if (value == null || value.isEmpty()) continue;
      try {
        query.put(name, Integer.parseInt(value));
      } catch (NumberFormatException e) {
        throw ErrorCode.BAD_REQUEST.exception(Fields.details(name, "NOT_AN_INTEGER"));
      }
    }
    Json.reply(ctx, 200, auth.students(query));
  }

  private void startImport(RoutingContext ctx) {
    List<FileUpload> files = ctx.fileUploads();
    long termId = Requests.queryId(ctx, "termId");
    if (files.size() != 1 || termId == 0) {
      ctx.fail(ErrorCode.VALIDATION_FAILED.exception(Fields.details(files.size() != 1 ? "file" : "termId", "REQUIRED")));
      return;
    }
    FileUpload upload = files.get(0);
    // The upload is deleted when this response ends; the job works on its own copy.
    String jobFile = Path.of(uploads, "import-" + UUID.randomUUID()).toString();
    Json.reply(ctx, 202, vertx.fileSystem().move(upload.uploadedFileName(), jobFile)
      .compose(moved -> localAdmin.startImport(termId, jobFile, upload.fileName())
        .onFailure(refused -> vertx.fileSystem().delete(jobFile))));
  }

  private static String format(RoutingContext ctx) {
    return ctx.request().getParam("format", "csv");
  }

  /**
   * Sends a written file {path, fileName, contentType} as a download and deletes it; {@code ascii}
   * names it for clients that cannot read the UTF-8 name.
   */
  private void sendFile(RoutingContext ctx, String ascii, Future<JsonObject> written) {
    written.onSuccess(file -> {
        String path = file.getString("path");
        String name = file.getString("fileName");
        HttpServerResponse response = ctx.response()
          .putHeader("Content-Type", file.getString("contentType"))
          .putHeader("Cache-Control", "no-store")
          .putHeader("Content-Disposition", "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''"
            + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        response.sendFile(path).onComplete(sent -> vertx.fileSystem().delete(path));
      })
      .onFailure(ctx::fail);
  }

  /** Server-sent events: a "stats" event every two seconds until the admin leaves; 404 for an unknown term. */
  private void statsStream(RoutingContext ctx) {
    long termId = requiredTerm(ctx);
    catalog.term(termId).onSuccess(term -> streamStats(ctx, termId)).onFailure(ctx::fail);
  }

  private void streamStats(RoutingContext ctx, long termId) {
    HttpServerResponse response = ctx.response().setChunked(true)
      .putHeader("Content-Type", "text/event-stream; charset=utf-8")
      .putHeader("Cache-Control", "no-cache");
    if (ctx.request().method() == HttpMethod.HEAD) {
      response.end(); // the headers are the whole answer: a stream has no end to wait for
      return;
    }
    response.write(": stats of term " + termId + "\n\n");
    Handler<Long> send = timer -> admin.stats(termId)
      .onSuccess(stats -> {
        if (!response.closed()) response.write("event: stats\ndata: " + stats.encode() + "\n\n");
      });
    send.handle(0L);
    long timer = vertx.setPeriodic(STATS_EVERY_MS, send);
    response.closeHandler(closed -> vertx.cancelTimer(timer));
  }
}
