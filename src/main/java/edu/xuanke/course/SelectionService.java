package edu.xuanke.course;

import edu.xuanke.core.ServiceCalls;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Selecting, dropping and swapping sections, each one atomic step in Redis (lua/*.lua).
 * Refusals fail with the API's error codes (see {@link edu.xuanke.core.ErrorCode}).
 */
@ProxyGen
@VertxGen
public interface SelectionService {

  String ADDRESS = "xuanke.selection";
  /**
   * Published, on the node whose persister stored it only, with {studentId, sectionId, termId, eventId}
   * once a waitlist promotion is in MySQL.
   */
  String PROMOTED = "xuanke.selection.promoted";

  static SelectionService createProxy(Vertx vertx) {
    return new SelectionServiceVertxEBProxy(vertx, ADDRESS, ServiceCalls.delivery());
  }

  /**
   * The address of the instance that runs on the calling event loop: a call to it stays on the
   * thread (no hand-over between loops, no wake-up), which matters on the hottest route.
   */
  static String addressOnThisLoop() {
    return ADDRESS + "@" + Thread.currentThread().getName();
  }

  /** A proxy to the instance on the calling event loop (see {@link #addressOnThisLoop}). */
  static SelectionService createLoopLocalProxy(Vertx vertx) {
    return new SelectionServiceVertxEBProxy(vertx, addressOnThisLoop(), ServiceCalls.delivery());
  }

  /**
   * {status: ENROLLED, sectionId, seatsLeft} or {status: WAITLISTED, sectionId, position}.
   * {@code sessionId} is checked against the account's live session in the same atomic step.
   */
  Future<JsonObject> select(String studentId, String sessionId, long sectionId, boolean waitlist);

  /** Drops a held section (NOT_ENROLLED when the student does not hold it). */
  Future<Void> drop(String studentId, String sessionId, long sectionId);

  /**
   * Leaves a section's waitlist. NOT_WAITLISTED when the student is not waiting, with
   * details.enrolled = true when a promotion gave them the seat meanwhile (the seat is kept).
   */
  Future<Void> leaveWaitlist(String studentId, String sessionId, long sectionId);

  /** {status: ENROLLED, sectionId: to, seatsLeft}; on any refusal the student still holds {@code from}. */
  Future<JsonObject> swap(String studentId, String sessionId, long fromSectionId, long toSectionId);

  /**
   * Tries the sections in order in one atomic step, each as a select without the waitlist: {results:
   * [{sectionId, status: ENROLLED, seatsLeft} | {sectionId, status: REFUSED, code, details}]}. A
   * refusal of the whole (window, session, not in the term) fails as select's do.
   */
  Future<JsonObject> selectAll(String studentId, String sessionId, long termId, JsonArray sectionIds);

  /**
   * What each of these students holds and waits for in the term, and their live session id:
   * {studentId: {enrolled: [sectionId...], waitlisted: [sectionId...], session}} (session absent
   * when none is live). Three reads however many students: the seat stream asks once a second for
   * everyone watching, to push a student's own changes to their open pages.
   */
  Future<JsonObject> standings(long termId, List<String> studentIds);

  /**
   * {termId, enrolled: [section... with byOffice], waitlisted: [{sectionId, position}]} in the current
   * term; byOffice is true on a seat the course office took for the student (as MySQL has it so far).
   */
  Future<JsonObject> selections(String studentId);

  /** {@link #selections} in a given term (the office's view of a student of that term's cohort). */
  Future<JsonObject> selectionsIn(long termId, String studentId);

  /**
   * The office's select on a student's behalf: the same script and checks as {@link #select}
   * (window, cohort, profile, restriction, seats, course, time, maximum) but no session of theirs;
   * the change is recorded as made by {@code admin}.
   */
  Future<JsonObject> selectFor(String studentId, long sectionId, boolean waitlist, String admin);

  /** The office's drop of a held seat on a student's behalf (as {@link #drop}), recorded as made by {@code admin}. */
  Future<Void> dropFor(String studentId, long sectionId, String admin);

  /** The office takes a student off a waitlist (as {@link #leaveWaitlist}), recorded as made by {@code admin}. */
  Future<Void> leaveWaitlistFor(String studentId, long sectionId, String admin);
}
