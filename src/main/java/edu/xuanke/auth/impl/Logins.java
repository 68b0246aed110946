package edu.xuanke.auth.impl;

import edu.xuanke.auth.CohortTerms;
import edu.xuanke.auth.LoginIds;
import edu.xuanke.auth.Sessions;
import edu.xuanke.auth.Tokens;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Fields;
import edu.xuanke.core.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;

/** Logins, logouts and the session check. */
final class Logins {

  static final int MIN_PASSWORD = 6;

  private final AppConfig config;
  private final AccountStore store;
  private final PasswordGuard guard;
  private final Sessions sessions;
  private final JWTAuth jwt;
  private final CohortTerms terms;

  Logins(AppConfig config, AccountStore store, PasswordGuard guard, Sessions sessions, JWTAuth jwt, CohortTerms terms) {
    this.config = config;
    this.store = store;
    this.guard = guard;
    this.sessions = sessions;
    this.jwt = jwt;
    this.terms = terms;
  }

  /**
   * The id is normalised once ({@link LoginIds}), so the lockout and the lookup see the same
   * account whatever case, width or padding it was typed with; an id outside the alphabet is
   * refused before anything is counted or hashed.
   */
  Future<JsonObject> login(String typedId, String password, String clientIp, String lang) {
    String loginId = LoginIds.canonical(typedId);
    if (loginId == null) return Fields.invalid("studentId", "INVALID_FORMAT");
    if (password.length() < MIN_PASSWORD) return Fields.invalid("password", "TOO_SHORT");
    return guard.check(loginId, clientIp, () -> store.account(loginId), password)
      // Told only after the right password, so the answer reveals nothing to a guesser.
      .compose(account -> account.getValue("deactivated_at") != null ? ErrorCode.ACCOUNT_DEACTIVATED.<Row>fail()
        : Future.succeededFuture(account))
      .compose(account -> sessionTerm(account).compose(termId -> startSession(account, termId, lang)));
  }

  /**
   * The term whose sessions hash keeps the account's session. A student logs in while the
   * cohort's term is upcoming or running (selection or drop not over); otherwise NOT_IN_TERM.
   */
  private Future<Long> sessionTerm(Row account) {
    if (!"STUDENT".equals(account.getString("role"))) return Future.succeededFuture(0L);
    Long cohort = account.getLong("cohort_term_id");
    if (cohort == null) return ErrorCode.NOT_IN_TERM.fail();
    return terms.takesLogins(cohort).compose(open -> open ? Future.succeededFuture(cohort) : ErrorCode.NOT_IN_TERM.fail());
  }

  private Future<JsonObject> startSession(Row account, long termId, String lang) {
    String studentId = account.getString("student_id");
    boolean mustChangePassword = account.getBoolean("must_change_password");
    Instant now = Instant.now();
    Instant expiresAt = sessions.expiry(now);
    return sessions.begin(studentId, termId)
      .compose(sessionId -> store.mysql().preparedQuery("UPDATE accounts SET lang = ? WHERE id = ?")
        .execute(Tuple.of(normalizedLang(lang), account.getLong("id")))
        .map(updated -> new JsonObject()
          .put("token", jwt.generateToken(new JsonObject()
              .put("sub", studentId).put("uid", account.getLong("id")).put("role", account.getString("role"))
              .put("sid", sessionId).put("term", termId).put(Tokens.MUST_CHANGE_PASSWORD, mustChangePassword),
            new JWTOptions().setExpiresInSeconds((int) Math.max(1, expiresAt.getEpochSecond() - now.getEpochSecond()))))
          .put("expiresAt", Times.iso(expiresAt, config.timeZone()))
          .put("user", new JsonObject()
            .put("id", account.getLong("id"))
            .put("studentId", studentId)
            .put("name", account.getString("name"))
            .put("role", account.getString("role"))
            .put("mustChangePassword", mustChangePassword))));
  }

  Future<Void> logout(String studentId, String sessionId, long sessionTermId) {
    return sessions.end(studentId, sessionId, sessionTermId);
  }

  Future<Boolean> sessionLive(String studentId, String sessionId, long sessionTermId) {
    return sessions.isLive(studentId, sessionId, sessionTermId);
  }

  private static String normalizedLang(String lang) {
    return lang != null && lang.toLowerCase().startsWith("en") ? "en" : "zh-CN";
  }
}
