package edu.xuanke.auth;

import edu.xuanke.core.ServiceCalls;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Accounts: logins and sessions, profiles, email codes, password changes, activation. */
@ProxyGen
@VertxGen
public interface AuthService {

  String ADDRESS = "xuanke.auth";

  static AuthService createProxy(Vertx vertx) {
    return new AuthServiceVertxEBProxy(vertx, ADDRESS, ServiceCalls.delivery());
  }

  /** For the calls that hash a password (login, password changes, activation), which may queue. */
  static AuthService createHashingProxy(Vertx vertx) {
    return new AuthServiceVertxEBProxy(vertx, ADDRESS, ServiceCalls.hashingDelivery());
  }

  /**
   * {token, expiresAt, user: {id, studentId, name, role, mustChangePassword}}. Ends the
   * account's earlier session. The id is normalised first ({@link LoginIds}); one outside the
   * alphabet is VALIDATION_FAILED. BAD_CREDENTIALS for a wrong id or password alike;
   * RATE_LIMITED after too many failures from one client IP; NOT_IN_TERM for a student outside
   * the current term's cohort.
   */
  Future<JsonObject> login(String studentId, String password, String clientIp, String lang);

  /** Ends the session if it is still the account's live one. */
  Future<Void> logout(String studentId, String sessionId, long sessionTermId);

  /** Whether the session is the account's live one (the HTTP edge asks this per request). */
  Future<Boolean> sessionLive(String studentId, String sessionId, long sessionTermId);

  /** {studentId, name, gender, className, major, college, email, phone, termId, profileComplete}. */
  Future<JsonObject> profile(String studentId);

  /**
   * Replaces the profile (all fields required, single-line); VALIDATION_FAILED names each bad
   * field. A new email needs {@code currentPassword}, checked like a login from {@code clientIp}.
   */
  Future<JsonObject> updateProfile(String studentId, JsonObject profile, String clientIp);

  /** The colleges a profile may name. */
  Future<JsonArray> colleges();

  /** Mails a 6-digit code, valid for a short time and once, to the profile's own address. */
  Future<Void> requestEmailCode(String studentId, String email, String clientIp);

  /** Changes the password with a mailed code and ends every session of the account. */
  Future<Void> changePassword(String studentId, String code, String newPassword);

  /** Mails a signed, single-use link that sets the first password. */
  Future<Void> sendActivation(String studentId);

  /** Sets the first password from an activation link's token. */
  Future<Void> activate(String token, String password);

  /** The students of a term's cohort: {"studentId": profileComplete}. */
  Future<JsonObject> cohort(long termId);

  /** The majors of a term's cohort, for a lottery's priority rules: {"studentId": major}. */
  Future<JsonObject> cohortMajors(long termId);

  /** {studentId, name, email, lang}: where and how to write to the account. */
  Future<JsonObject> contact(String studentId);

  /** Of many students at once, those with an email: {"studentId": {name, email, lang}} (a lottery's result mails). */
  Future<JsonObject> contacts(JsonArray studentIds);

  /**
   * Admin: students matching {q (studentId or name, prefix), className, college, page (from 1),
   * size}: {total, page, size, items: [profile]}.
   */
  Future<JsonObject> students(JsonObject query);

  /** Admin: a student's profile with {active}; NOT_FOUND for no such student. */
  Future<JsonObject> student(String studentId);

  /**
   * Admin: replaces a student's profile fields (name, gender M|F|"", className, major, college,
   * email, phone; checked by the caller) and answers the profile; the 学号 stays.
   */
  Future<JsonObject> updateStudent(String studentId, JsonObject fields);

  /**
   * Admin: deactivates a student (logins refused with ACCOUNT_DEACTIVATED, sessions end, out of
   * the live cohort; the history and held seats stay) or reactivates them; answers the profile.
   */
  Future<JsonObject> setActive(String studentId, boolean active);

  /**
   * Admin: creates or moves students into a term's cohort. Each row: {row, studentId, name,
   * gender, className, major, college, email, phone, passwordHash} (the hash is used for new
   * accounts, which must change their password at the first login; moved students keep theirs
   * and their sessions end). Returns {created: [studentId], moved: [studentId], errors: [{row, code}]}.
   */
  Future<JsonObject> importStudents(long termId, JsonArray rows);

  /**
   * Admin: a new random temporary password, returned once as {temporaryPassword}; the student
   * must change it at the next login, every session ends, and it is mailed when they have an email.
   */
  Future<JsonObject> resetPassword(String studentId);

  /**
   * Replaces a one-time password (mustChangePassword) with the student's own choice; the current
   * one is checked like a login from {@code clientIp} (BAD_CREDENTIALS, RATE_LIMITED).
   */
  Future<Void> replaceOneTimePassword(String studentId, String currentPassword, String newPassword, String clientIp);
}
