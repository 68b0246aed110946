package edu.xuanke.admin;

import edu.xuanke.core.ServiceCalls;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The course office's tools: student imports as background jobs, the export of a term's
 * enrollments and waitlists, the dashboard's figures and the reconciliation of Redis with MySQL. Calls that
 * hand over a file on the local disk (an upload, an export) go to this instance's service
 * ({@link #createLocalProxy}); job state lives in Redis, so any instance answers for any job.
 */
@ProxyGen
@VertxGen
public interface AdminService {

  String ADDRESS = "xuanke.admin";
  String LOCAL_ADDRESS = "xuanke.admin.local";

  static AdminService createProxy(Vertx vertx) {
    return new AdminServiceVertxEBProxy(vertx, ADDRESS, ServiceCalls.delivery());
  }

  /** The instance in this process, for calls that pass paths of local files. */
  static AdminService createLocalProxy(Vertx vertx) {
    return new AdminServiceVertxEBProxy(vertx, LOCAL_ADDRESS, ServiceCalls.hashingDelivery());
  }

  /**
   * Adds one student to a term's cohort: {studentId, created, temporaryPassword (new students
   * only, shown once)}. An existing 学号 is STUDENT_EXISTS (details: studentId, name, termId,
   * active) unless the body says overwrite = true: then they are updated and moved (created false).
   * Every bad field is named at once (VALIDATION_FAILED).
   */
  Future<JsonObject> addStudent(long termId, JsonObject student);

  /** Replaces a student's profile fields, checked as an added student's (all bad fields at once): the profile. */
  Future<JsonObject> editStudent(String studentId, JsonObject student);

  /** Starts importing an uploaded CSV or XLSX file into a term's cohort: {jobId}. */
  Future<JsonObject> startImport(long termId, String uploadedFile, String fileName);

  /** {jobId, state (RUNNING, DONE, FAILED), done, total, created, moved, errors: [{row, code}]}. */
  Future<JsonObject> job(String jobId);

  /**
   * The CSV (学号, 姓名, password) of the one-time passwords an import gave new students; it can be
   * downloaded again until it expires an hour after the import ended (then NOT_FOUND).
   */
  Future<String> importPasswords(String jobId);

  /**
   * Writes a term's enrollments or waitlists (of one section when sectionId > 0) to a local file
   * once the persister has drained: {path, fileName, contentType}. list enrollments|waitlist,
   * format csv|xlsx, lang zh-CN|en.
   */
  Future<JsonObject> exportFile(long termId, String list, String format, String lang, long sectionId);

  /**
   * Writes the students of a term's cohort who have selected nothing (no seat, no waitlist place) to
   * a local file once the persister has drained: {path, fileName, contentType}. format csv|xlsx, lang zh-CN|en.
   */
  Future<JsonObject> unselectedFile(long termId, String format, String lang);

  /** Differences between the live state in Redis and MySQL (empty when consistent). */
  Future<JsonArray> reconcile(long termId);

  /**
   * Fill rates, waitlists, selections per second, refusals, persistence lag, mail outbox state and
   * students: {cohort, unselected} (how many of the cohort have selected nothing yet; empty while MySQL cannot answer).
   */
  Future<JsonObject> stats(long termId);

  /**
   * Claims an admin write's Idempotency-Key for {@code admin}, or answers what the key holds:
   * {replay: false} (claimed: run the write), or {replay: true, status, body, contentType} (the
   * stored answer). Fails IDEMPOTENCY_IN_FLIGHT while the first request runs, IDEMPOTENCY_KEY_REUSED
   * when the key came with another request ({@code fingerprint} differs).
   */
  Future<JsonObject> beginIdempotentWrite(String admin, String key, String fingerprint);

  /** Stores the claimed write's answer {status, body, contentType} for retries (a 5xx releases the claim). */
  Future<Void> finishIdempotentWrite(String admin, String key, String fingerprint, JsonObject answer);
}
