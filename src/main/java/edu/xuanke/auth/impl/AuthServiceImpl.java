package edu.xuanke.auth.impl;

import edu.xuanke.auth.AuthService;
import edu.xuanke.auth.PasswordHasher;
import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Failures;
import edu.xuanke.core.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneId;

public final class AuthServiceImpl implements AuthService {

  /** Verified against when the account does not exist, so that both failures take as long. */
  private static final String ABSENT_ACCOUNT_HASH = PasswordHasher.hashNow("no such account", 1000);

  private final Pool mysql;
  private final PasswordHasher hasher;
  private final JWTAuth jwt;
  private final int tokenTtlSeconds;
  private final ZoneId zone;

  public AuthServiceImpl(Pool mysql, PasswordHasher hasher, JWTAuth jwt, int tokenTtlSeconds, ZoneId zone) {
    this.mysql = mysql;
    this.hasher = hasher;
    this.jwt = jwt;
    this.tokenTtlSeconds = tokenTtlSeconds;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> login(String studentId, String password) {
    return mysql.preparedQuery(
        "SELECT id, student_id, password_hash, role, name, must_change_password FROM accounts WHERE student_id = ?")
      .execute(Tuple.of(studentId))
      .recover(Failures::fromStore)
      .compose(rows -> {
        Row account = rows.size() == 0 ? null : rows.iterator().next();
        String stored = account == null ? ABSENT_ACCOUNT_HASH : account.getString("password_hash");
        return hasher.verify(password, stored).compose(ok -> ok && account != null
          ? Future.succeededFuture(issue(account)) : ErrorCode.BAD_CREDENTIALS.fail());
      });
  }

  private JsonObject issue(Row account) {
    Instant expiresAt = Instant.now().plusSeconds(tokenTtlSeconds);
    String token = jwt.generateToken(
      new JsonObject().put("sub", account.getString("student_id")).put("uid", account.getLong("id"))
        .put("role", account.getString("role")),
      new JWTOptions().setExpiresInSeconds(tokenTtlSeconds));
    return new JsonObject()
      .put("token", token)
      .put("expiresAt", Times.iso(expiresAt, zone))
      .put("user", new JsonObject()
        .put("id", account.getLong("id"))
        .put("studentId", account.getString("student_id"))
        .put("name", account.getString("name"))
        .put("role", account.getString("role"))
        .put("mustChangePassword", account.getBoolean("must_change_password")));
  }

  @Override
  public Future<JsonObject> cohort(long termId) {
    return mysql.preparedQuery(
        "SELECT student_id, (name <> '' AND gender IS NOT NULL AND class_name <> '' AND major <> ''"
          + " AND college <> '' AND email <> '' AND phone <> '') AS complete"
          + " FROM accounts WHERE cohort_term_id = ? AND role = 'STUDENT'")
      .execute(Tuple.of(termId))
      .recover(Failures::fromStore)
      .map(rows -> {
        JsonObject cohort = new JsonObject();
        rows.forEach(row -> cohort.put(row.getString("student_id"), row.getInteger("complete") == 1));
        return cohort;
      });
  }
}
