package edu.xuanke.auth.impl;

import edu.xuanke.auth.AuthService;
import edu.xuanke.auth.CohortTerms;
import edu.xuanke.auth.PasswordHasher;
import edu.xuanke.auth.Sessions;
import edu.xuanke.core.AppConfig;
import edu.xuanke.mail.MailService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;

/**
 * The accounts domain behind one event-bus service: {@link Logins} (logins and sessions),
 * {@link Passwords} (codes, activation, resets, one-time passwords) and {@link Accounts}
 * (profiles, students, cohorts). Every typed password is checked through one {@link PasswordGuard}.
 */
public final class AuthServiceImpl implements AuthService {

  private final Logins logins;
  private final Passwords passwords;
  private final Accounts accounts;

  public AuthServiceImpl(AppConfig config, Pool mysql, RedisAPI redis, PasswordHasher hasher, JWTAuth jwt,
                         CohortTerms terms, MailService mail) {
    AccountStore store = new AccountStore(mysql);
    PasswordGuard guard = new PasswordGuard(config, redis, hasher);
    Sessions sessions = new Sessions(redis, config.sessionTtl(), config.timeZone());
    this.logins = new Logins(config, store, guard, sessions, jwt, terms);
    this.passwords = new Passwords(config, store, redis, hasher, guard, sessions, mail);
    this.accounts = new Accounts(config, store, guard, sessions, terms);
  }

  @Override
  public Future<JsonObject> login(String studentId, String password, String clientIp, String lang) {
    return logins.login(studentId, password, clientIp, lang);
  }

  @Override
  public Future<Void> logout(String studentId, String sessionId, long sessionTermId) {
    return logins.logout(studentId, sessionId, sessionTermId);
  }

  @Override
  public Future<Boolean> sessionLive(String studentId, String sessionId, long sessionTermId) {
    return logins.sessionLive(studentId, sessionId, sessionTermId);
  }

  @Override
  public Future<JsonObject> profile(String studentId) {
    return accounts.profile(studentId);
  }

  @Override
  public Future<JsonObject> updateProfile(String studentId, JsonObject profile, String clientIp) {
    return accounts.updateProfile(studentId, profile, clientIp);
  }

  @Override
  public Future<JsonArray> colleges() {
    return accounts.colleges();
  }

  @Override
  public Future<Void> requestEmailCode(String studentId, String email, String clientIp) {
    return passwords.requestEmailCode(studentId, email, clientIp);
  }

  @Override
  public Future<Void> changePassword(String studentId, String code, String newPassword) {
    return passwords.changePassword(studentId, code, newPassword);
  }

  @Override
  public Future<Void> sendActivation(String studentId) {
    return passwords.sendActivation(studentId);
  }

  @Override
  public Future<Void> activate(String token, String password) {
    return passwords.activate(token, password);
  }

  @Override
  public Future<JsonObject> cohort(long termId) {
    return accounts.cohort(termId);
  }

  @Override
  public Future<JsonObject> cohortMajors(long termId) {
    return accounts.cohortMajors(termId);
  }

  @Override
  public Future<JsonObject> contact(String studentId) {
    return accounts.contact(studentId);
  }

  @Override
  public Future<JsonObject> contacts(JsonArray studentIds) {
    return accounts.contacts(studentIds);
  }

  @Override
  public Future<JsonObject> students(JsonObject query) {
    return accounts.students(query);
  }

  @Override
  public Future<JsonObject> student(String studentId) {
    return accounts.studentProfile(studentId);
  }

  @Override
  public Future<JsonObject> updateStudent(String studentId, JsonObject fields) {
    return accounts.updateStudent(studentId, fields);
  }

  @Override
  public Future<JsonObject> setActive(String studentId, boolean active) {
    return accounts.setActive(studentId, active);
  }

  @Override
  public Future<JsonObject> importStudents(long termId, JsonArray rows) {
    return accounts.importStudents(termId, rows);
  }

  @Override
  public Future<JsonObject> resetPassword(String studentId) {
    return passwords.resetPassword(studentId);
  }

  @Override
  public Future<Void> replaceOneTimePassword(String studentId, String currentPassword, String newPassword,
                                             String clientIp) {
    return passwords.replaceOneTimePassword(studentId, currentPassword, newPassword, clientIp);
  }
}
