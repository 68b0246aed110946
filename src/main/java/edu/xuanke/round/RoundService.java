package edu.xuanke.round;

import edu.xuanke.core.ServiceCalls;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Plans and wishes, the pre-selection lottery and its publication. A student's plan (选课计划) is
 * an ordered list of sections; in a PRESELECT round its entries are the ranked wishes (志愿), and
 * in a FIRST_COME round the whole plan can be tried in one atomic step. The rounds themselves are
 * the course domain's ({@link edu.xuanke.course.CatalogService#rounds}).
 */
@ProxyGen
@VertxGen
public interface RoundService {

  String ADDRESS = "xuanke.round";
  /** The round domain's job ids (lottery, publication) start with this, so the jobs route knows whose job it is. */
  String JOB_PREFIX = "round-";

  static RoundService createProxy(Vertx vertx) {
    return new RoundServiceVertxEBProxy(vertx, ADDRESS, ServiceCalls.delivery());
  }

  /** For {@link #exportResults}: writing 250,000 lines may take longer than an ordinary call may. */
  static RoundService createExportProxy(Vertx vertx) {
    return new RoundServiceVertxEBProxy(vertx, ADDRESS, ServiceCalls.hashingDelivery());
  }

  /**
   * Replaces the student's plan (wishes) of a term: {termId, wishes: [{sectionId, rank}]}. Refused
   * with the selection's codes where they can be checked now (WINDOW_CLOSED, NOT_IN_TERM,
   * PROFILE_INCOMPLETE, SECTION_NOT_FOUND, RESTRICTED, COURSE_ALREADY_TAKEN, VALIDATION_FAILED).
   */
  Future<JsonObject> saveWishes(String studentId, long termId, JsonArray sectionIds);

  /**
   * {termId, round, maxWishes, wishes: [{sectionId, rank, demand, capacity, courseTitle, …,
   * conflictsWith, outcome, drawNumber, applicants}]}: outcomes once the lottery is published.
   */
  Future<JsonObject> wishes(String studentId, long termId);

  /** Tries the student's whole plan in one atomic step: {termId, results: [per section, in plan order]}. */
  Future<JsonObject> enrollPlan(String studentId, String sessionId, long termId);

  /** Admin: starts the lottery of a closed PRESELECT round with a seed: {jobId}. */
  Future<JsonObject> startLottery(long roundId, long seed);

  /**
   * {jobId, kind (LOTTERY, PUBLISH), state (RUNNING, DONE, FAILED), done, total, roundId, …, error}: a
   * job whose node stopped is FAILED with error JOB_INTERRUPTED and can be started again; NOT_FOUND when unknown.
   */
  Future<JsonObject> job(String jobId);

  /** Admin: the last lottery's results [{studentId, sectionId, rank, outcome, drawNumber, applicants, priority}]. */
  Future<JsonArray> results(long roundId);

  /**
   * Admin: starts publication as a job, {jobId}: the lottery's winners become enrollments (one
   * atomic step for the term) and everyone is mailed. While it runs, asking again answers the same
   * job; after a failure, asking again resumes it; ALREADY_PUBLISHED once it is done.
   */
  Future<JsonObject> publish(long roundId);

  /**
   * Admin: the last lottery's results as a local file, one line per student and wish (outcome,
   * reason, draw number): {path, fileName, contentType}. format csv|xlsx, lang zh-CN|en.
   */
  Future<JsonObject> exportResults(long roundId, String format, String lang);
}
