package edu.xuanke.admin.impl;

import edu.xuanke.admin.AdminService;
import edu.xuanke.admin.Export;
import edu.xuanke.admin.IdempotentWrites;
import edu.xuanke.admin.ImportJobs;
import edu.xuanke.admin.PasswordsFile;
import edu.xuanke.admin.StudentFile;
import edu.xuanke.admin.Unselected;
import edu.xuanke.auth.AuthService;
import edu.xuanke.auth.OneTimePasswords;
import edu.xuanke.auth.PasswordHasher;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Fields;
import edu.xuanke.core.Jobs;
import edu.xuanke.course.CatalogService;
import edu.xuanke.mail.MailService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

public final class AdminServiceImpl implements AdminService {

  private static final Logger log = LoggerFactory.getLogger(AdminServiceImpl.class);
  /** Rows per batch: one transaction and one event-bus call to the accounts domain each. */
  private static final int BATCH = 500;

  private final Vertx vertx;
  private final AppConfig config;
  private final WorkerExecutor workers;
  private final AuthService auth;
  private final CatalogService catalog;
  private final MailService mail;
  private final ImportJobs jobs;
  private final IdempotentWrites idempotent;
  private final StudentFile students;
  private final Export export;
  private final Unselected unselected;
  /** The last stream counter read per term, for selections per second between two stats calls. */
  private final Map<Long, long[]> lastAdded = new ConcurrentHashMap<>();

  public AdminServiceImpl(Vertx vertx, AppConfig config, RedisAPI redis, WorkerExecutor workers,
                          AuthService auth, CatalogService catalog, MailService mail, Pool mysql) {
    this.vertx = vertx;
    this.config = config;
    this.workers = workers;
    this.auth = auth;
    this.catalog = catalog;
    this.mail = mail;
    this.jobs = new ImportJobs(redis, new Jobs(vertx, redis, Jobs.LEASE_MS));
    this.idempotent = new IdempotentWrites(redis);
    this.students = new StudentFile(config.colleges(), config.phonePattern());
    this.export = new Export(config);
    this.unselected = new Unselected(mysql);
  }

  @Override
  public Future<JsonObject> addStudent(long termId, JsonObject student) {
    Object overwrite = student.getValue("overwrite");
    if (overwrite != null && !(overwrite instanceof Boolean)) return Fields.invalid("overwrite", "NOT_A_BOOLEAN");
    Future<JsonObject> checked = checkedStudent(student, null);
    if (checked.failed()) return checked;
    JsonObject row = checked.result();
    return termExists(termId)
      .compose(v -> Boolean.TRUE.equals(overwrite) ? Future.succeededFuture() : notYetThere(row.getString("studentId")))
      .compose(v -> withPasswords(List.of(row)))
      .compose(hashed -> auth.importStudents(termId, new JsonArray(hashed.rows())).map(result -> {
        JsonObject out = new JsonObject().put("studentId", row.getString("studentId"));
        boolean created = !result.getJsonArray("created").isEmpty();
        if (!result.getJsonArray("errors").isEmpty()) {
          throw ErrorCode.VALIDATION_FAILED.exception(
            Fields.details("studentId", result.getJsonArray("errors").getJsonObject(0).getString("code")));
        }
        out.put("created", created);
        if (created) out.put("temporaryPassword", hashed.passwords().get(0));
        return out;
      }));
  }

  /**
   * Re-adding an existing 学号 would update and move that student: STUDENT_EXISTS (with who it is)
   * until the office confirms with overwrite = true.
   */
  private Future<Void> notYetThere(String studentId) {
    return auth.student(studentId).transform(found -> {
      if (found.succeeded()) {
        JsonObject existing = found.result();
        return ErrorCode.STUDENT_EXISTS.fail(new JsonObject().put("studentId", existing.getString("studentId"))
          .put("name", existing.getString("name")).put("termId", existing.getLong("termId"))
          .put("active", existing.getBoolean("active")));
      }
      return ErrorCode.of(found.cause()) == ErrorCode.NOT_FOUND ? Future.succeededFuture() : Future.failedFuture(found.cause());
    });
  }

  /**
   * The student fields of an add or edit as the import checks a row: strings, trimmed, each
   * field's problem at once (VALIDATION_FAILED), so the form shows them all. {@code studentId}: the
   * edited student's (the body's otherwise).
   */
  private Future<JsonObject> checkedStudent(JsonObject student, String studentId) {
    JsonObject row = new JsonObject().put("row", 1);
    for (String field : List.of("studentId", "name", "gender", "className", "major", "college", "email", "phone")) {
      Object value = field.equals("studentId") && studentId != null ? studentId : student.getValue(field);
      if (value != null && !(value instanceof String)) return Fields.invalid(field, "NOT_A_STRING");
      row.put(field, value == null ? "" : ((String) value).trim());
    }
    JsonObject fields = new JsonObject();
    students.problems(row).forEach(p -> { if (!fields.containsKey(p.field())) fields.put(p.field(), p.code()); });
    // An edited student's id is not the form's to fix: an unknown one is NOT_FOUND below.
    if (studentId != null) fields.remove("studentId");
    return fields.isEmpty() ? Future.succeededFuture(row) : ErrorCode.VALIDATION_FAILED.fail(Fields.details(fields));
  }

  @Override
  public Future<JsonObject> editStudent(String studentId, JsonObject student) {
    return checkedStudent(student, studentId).compose(row -> auth.updateStudent(studentId, row));
  }

  private Future<Void> termExists(long termId) {
    return catalog.term(termId).<Void>mapEmpty()
      .recover(failure -> ErrorCode.of(failure) == ErrorCode.NOT_FOUND ? Fields.invalid("termId", "UNKNOWN") : Future.failedFuture(failure));
  }

  /** Rows with an initial password hash each, and the passwords in the same order. */
  private record Hashed(List<JsonObject> rows, List<String> passwords) {
  }

  /**
   * Gives each row an initial password: a random one-time password by default, or the school's
   * old pattern (prefix + studentId) when configured, which, being guessable, gets the full hashing cost.
   */
  private Future<Hashed> withPasswords(List<JsonObject> rows) {
    String prefix = config.initialPasswordPrefix();
    return workers.executeBlocking(() -> {
      List<JsonObject> out = new ArrayList<>(rows.size());
      List<String> passwords = new ArrayList<>(rows.size());
      for (JsonObject row : rows) {
        String password = prefix.isEmpty() ? OneTimePasswords.generate() : prefix + row.getString("studentId");
        String hash = prefix.isEmpty() ? OneTimePasswords.hash(password) : PasswordHasher.hashNow(password, config.passwordIterations());
        out.add(row.copy().put("passwordHash", hash));
        passwords.add(password);
      }
      return new Hashed(out, passwords);
    }, false);
  }

  @Override
  public Future<JsonObject> startImport(long termId, String uploadedFile, String fileName) {
    if (!StudentFile.supported(fileName)) return Fields.invalid("file", "UNSUPPORTED_FORMAT");
    String jobId = UUID.randomUUID().toString();
    return termExists(termId)
      .compose(v -> jobs.create(jobId, termId, fileName))
      .onSuccess(v -> runImport(jobId, termId, Path.of(uploadedFile), fileName))
      .map(v -> new JsonObject().put("jobId", jobId));
  }

  private void runImport(String jobId, long termId, Path file, String fileName) {
    long started = System.currentTimeMillis();
    PasswordsFile passwords = new PasswordsFile();
    workers.executeBlocking(() -> students.read(file.toFile(), fileName), false)
      .compose(parsed -> jobs.total(jobId, parsed.rows().size() + parsed.errors().size())
        .compose(v -> jobs.progress(jobId, parsed.errors().size(), 0, 0, parsed.errors()))
        .compose(v -> importBatches(jobId, termId, parsed.rows(), 0, withPasswords(slice(parsed.rows(), 0)), passwords)))
      .compose(v -> jobs.finish(jobId, passwords.toString()))
      .onSuccess(v -> log.info("import {} of {} finished in {} ms", jobId, fileName, System.currentTimeMillis() - started))
      .recover(failure -> {
        if (!(failure instanceof StudentFile.Unreadable)) log.warn("import {} failed", jobId, failure);
        JsonObject error = failure instanceof StudentFile.Unreadable u ? u.error()
          : new JsonObject().put("row", 0).put("code", "FAILED");
        return jobs.fail(jobId, error, passwords.isEmpty() ? null : passwords.toString());
      })
      .onComplete(done -> vertx.fileSystem().delete(file.toString()).otherwiseEmpty());
  }

  /** One batch after the other; the next batch is hashed while this one is written. */
  private Future<Void> importBatches(String jobId, long termId, List<JsonObject> rows, int from, Future<Hashed> hashing,
                                     PasswordsFile passwords) {
    if (from >= rows.size()) return Future.succeededFuture();
    int next = from + BATCH;
    return hashing.compose(hashed -> {
      Future<Hashed> nextHashing = next < rows.size() ? withPasswords(slice(rows, next)) : null;
      return auth.importStudents(termId, new JsonArray(new ArrayList<>(hashed.rows())))
        .compose(result -> {
          Set<Object> created = Set.copyOf(result.getJsonArray("created").getList());
          for (int i = 0; i < hashed.rows().size(); i++) {
            JsonObject row = hashed.rows().get(i);
            String studentId = row.getString("studentId");
            if (created.contains(studentId)) passwords.add(studentId, row.getString("name", ""), hashed.passwords().get(i));
          }
          List<JsonObject> errors = new ArrayList<>();
          result.getJsonArray("errors").forEach(e -> errors.add((JsonObject) e));
          return activationMails(hashed.rows(), created)
            .compose(v -> jobs.progress(jobId, hashed.rows().size(), created.size(), result.getJsonArray("moved").size(), errors));
        })
        .compose(v -> nextHashing == null ? Future.succeededFuture()
          : importBatches(jobId, termId, rows, next, nextHashing, passwords));
    });
  }

  /**
   * When configured, new students with an email also get an activation link, so they can set
   * their own password instead of using the one-time one. A mail that cannot be queued does not
   * fail the import: the one-time password still works.
   */
  private Future<Void> activationMails(List<JsonObject> rows, Set<Object> created) {
    if (!config.importActivationMail()) return Future.succeededFuture();
    List<Future<Void>> sent = new ArrayList<>();
    for (JsonObject row : rows) {
      if (created.contains(row.getString("studentId")) && !row.getString("email", "").isEmpty()) {
        sent.add(auth.sendActivation(row.getString("studentId")));
      }
    }
    return Future.join(sent).otherwiseEmpty().mapEmpty();
  }

  private static List<JsonObject> slice(List<JsonObject> rows, int from) {
    return rows.subList(Math.min(from, rows.size()), Math.min(from + BATCH, rows.size()));
  }

  @Override
  public Future<JsonObject> job(String jobId) {
    return jobs.get(jobId)
      .compose(job -> job == null ? ErrorCode.NOT_FOUND.fail() : Future.succeededFuture(job));
  }

  @Override
  public Future<String> importPasswords(String jobId) {
    return jobs.passwords(jobId)
      .compose(csv -> csv == null ? ErrorCode.NOT_FOUND.fail() : Future.succeededFuture(csv));
  }

  @Override
  public Future<JsonObject> exportFile(long termId, String list, String format, String lang, long sectionId) {
    // An unknown enum value is BAD_REQUEST (the API contract), not a field error.
    if (!"enrollments".equals(list) && !"waitlist".equals(list)) {
      return ErrorCode.BAD_REQUEST.fail(new JsonObject().put("list", "UNKNOWN_VALUE"));
    }
    Export.Kind kind = "waitlist".equals(list) ? Export.Kind.WAITLIST : Export.Kind.ENROLLMENTS;
    boolean english = lang != null && lang.toLowerCase().startsWith("en");
    return drainedFile(termId, format, () -> Future.succeededFuture(List.of()), (none, out) ->
        export.write(out, kind, termId, sectionId, "xlsx".equals(format), english, rows -> { }))
      .map(file -> file.put("fileName", fileName(file.getString("termName"), termId, kind, sectionId, format)));
  }

  @Override
  public Future<JsonObject> unselectedFile(long termId, String format, String lang) {
    boolean english = lang != null && lang.toLowerCase().startsWith("en");
    // The rows are few (a cohort) and read before the worker writes them.
    return drainedFile(termId, format, () -> unselected.rows(termId, english),
        (rows, out) -> Unselected.write(out, rows, "xlsx".equals(format), english))
      .map(file -> file.put("fileName", "xuanke-" + safe(file.getString("termName")) + "-" + termId
        + (english ? "-no-selection." : "-未选课学生.") + format));
  }

  /** Writes a file from the rows read before it runs (blocking: called on a worker). */
  private interface FileWriter {
    void write(List<List<String>> rows, Path out) throws Exception;
  }

  /**
   * A term's file written on a worker once the persister has drained: {path, contentType, termName}.
   * An unknown format is BAD_REQUEST (the API contract), not a field error; an unknown term is termId UNKNOWN.
   */
  private Future<JsonObject> drainedFile(long termId, String format, Supplier<Future<List<List<String>>>> rows,
                                         FileWriter writer) {
    if (!"csv".equals(format) && !"xlsx".equals(format)) {
      return ErrorCode.BAD_REQUEST.fail(new JsonObject().put("format", "UNKNOWN_VALUE"));
    }
    return catalog.term(termId)
      .recover(failure -> ErrorCode.of(failure) == ErrorCode.NOT_FOUND ? Fields.invalid("termId", "UNKNOWN") : Future.failedFuture(failure))
      .compose(term -> catalog.awaitPersisted(termId)
        .compose(drained -> rows.get())
        .compose(read -> workers.executeBlocking(() -> {
          Path out = Files.createTempFile("xuanke-export-", "." + format);
          try {
            writer.write(read, out);
          } catch (Exception e) {
            Files.deleteIfExists(out);
            throw e;
          }
          return out;
        }, false))
        .map(path -> new JsonObject().put("path", path.toString()).put("termName", term.getString("name"))
          .put("contentType", "xlsx".equals(format)
            ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8")));
  }

  private static String safe(String termName) {
    return termName.replaceAll("[\\\\/:*?\"<>|\\s]+", "_");
  }

  private static String fileName(String termName, long termId, Export.Kind kind, long sectionId, String format) {
    String base = "xuanke-" + safe(termName) + "-" + termId;
    return base + (kind == Export.Kind.WAITLIST ? "-waitlist" : "") + (sectionId > 0 ? "-section-" + sectionId : "") + "." + format;
  }

  @Override
  public Future<JsonArray> reconcile(long termId) {
    return catalog.reconcile(termId);
  }

  @Override
  public Future<JsonObject> stats(long termId) {
    Future<JsonArray> sections = catalog.sections(termId, 0, 0);
    Future<JsonObject> live = catalog.liveFigures(termId);
    Future<JsonObject> outbox = mail.stats().otherwise(new JsonObject());
    // Like the outbox: a figure MySQL cannot give now is left out, the live ones still come.
    Future<JsonObject> cohort = unselected.count(termId).otherwise(new JsonObject());
    return Future.all(sections, live, outbox, cohort).map(all -> {
      JsonArray fill = new JsonArray();
      long capacity = 0;
      long enrolled = 0;
      long waiting = 0;
      for (Object o : sections.result()) {
        JsonObject s = (JsonObject) o;
        long cap = s.getLong("capacity");
        long taken = cap - s.getLong("seatsLeft");
        capacity += cap;
        enrolled += taken;
        waiting += s.getLong("waitlisted");
        fill.add(new JsonObject().put("sectionId", s.getLong("id")).put("courseTitle", s.getString("courseTitle"))
          .put("capacity", cap).put("enrolled", taken).put("waitlisted", s.getLong("waitlisted"))
          .put("fillRate", cap == 0 ? 1.0 : (double) taken / cap));
      }
      JsonObject figures = live.result();
      long added = figures.getLong("changesTotal");
      long now = System.currentTimeMillis();
      long[] previous = lastAdded.put(termId, new long[] {now, added});
      double perSecond = previous == null || now == previous[0] ? 0 : (added - previous[1]) * 1000.0 / (now - previous[0]);
      return new JsonObject().put("termId", termId)
        .put("sections", fill)
        .put("totals", new JsonObject().put("capacity", capacity).put("enrolled", enrolled).put("waitlisted", waiting)
          .put("fillRate", capacity == 0 ? 0.0 : (double) enrolled / capacity))
        .put("selections", new JsonObject().put("changesTotal", added).put("perSecond", Math.max(0, perSecond)))
        .put("refusals", figures.getJsonObject("refusals"))
        .put("persistence", new JsonObject().put("streamLength", figures.getLong("streamLength"))
          .put("pending", figures.getLong("pending")))
        .put("mail", outbox.result())
        .put("students", cohort.result());
    });
  }

  @Override
  public Future<JsonObject> beginIdempotentWrite(String admin, String key, String fingerprint) {
    return idempotent.begin(admin, key, fingerprint);
  }

  @Override
  public Future<Void> finishIdempotentWrite(String admin, String key, String fingerprint, JsonObject answer) {
    return idempotent.finish(admin, key, fingerprint, answer);
  }
}
