package edu.xuanke.auth.impl;

import edu.xuanke.auth.ActivationTokens;
import edu.xuanke.auth.AuthKeys;
import edu.xuanke.auth.LoginIds;
import edu.xuanke.auth.OneTimePasswords;
import edu.xuanke.auth.PasswordHasher;
import edu.xuanke.auth.Sessions;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Fields;
import edu.xuanke.core.RedisScript;
import edu.xuanke.core.Times;
import edu.xuanke.mail.MailService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Setting passwords: email codes, activation links, an admin's reset, one-time passwords. */
final class Passwords {

  private static final int WRONG_CODES_ALLOWED = 5;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger log = LoggerFactory.getLogger(Passwords.class);
  private static final RedisScript EMAIL_CODE = RedisScript.fromResources("lua/email_code.lua");
  private static final RedisScript CONSUME_CODE = RedisScript.fromResources("lua/consume_code.lua");
  private static final RedisScript USE_ONCE = RedisScript.fromResources("lua/delete_if_equals.lua");

  private final AppConfig config;
  private final AccountStore store;
  private final RedisAPI redis;
  private final PasswordHasher hasher;
  private final PasswordGuard guard;
  private final Sessions sessions;
  private final ActivationTokens signer;
  private final MailService mail;

  Passwords(AppConfig config, AccountStore store, RedisAPI redis, PasswordHasher hasher, PasswordGuard guard,
            Sessions sessions, MailService mail) {
    this.config = config;
    this.store = store;
    this.redis = redis;
    this.hasher = hasher;
    this.guard = guard;
    this.sessions = sessions;
    this.signer = new ActivationTokens(config.jwtSecret());
    this.mail = mail;
  }

  Future<Void> requestEmailCode(String studentId, String email, String clientIp) {
    return store.account(studentId).compose(account -> {
      if (account == null) return ErrorCode.NOT_FOUND.fail();
      String own = account.getString("email");
      if (own.isBlank() || !own.equalsIgnoreCase(email.trim())) return Fields.invalid("email", "NOT_PROFILE_EMAIL");
      String code = String.format("%06d", RANDOM.nextInt(1_000_000));
      return EMAIL_CODE.run(redis, List.of(AuthKeys.emailCodesOfAccount(studentId), AuthKeys.emailCodesOfIp(clientIp),
            AuthKeys.emailCode(studentId)),
          signer.hash(studentId + ":" + code), Long.toString(config.emailCodeTtl().toMillis()),
          Long.toString(config.emailCodeInterval().toMillis()), Long.toString(config.emailCodeWindow().toMillis()),
          Integer.toString(config.emailCodeDailyLimit()), UUID.randomUUID().toString())
        .compose(issued -> issued.get(0).toInteger() == 1
          ? mail.send("code", own, account.getString("lang"), new JsonObject().put("code", code)
              .put("name", account.getString("name")).put("minutes", config.emailCodeTtl().toMinutes()))
          : PasswordGuard.rateLimited(issued.get(1).toLong()));
    });
  }

  Future<Void> changePassword(String studentId, String code, String newPassword) {
    if (code == null || !code.matches("\\d{6}")) return Fields.invalid("code", "INVALID");
    if (newPassword.length() < Logins.MIN_PASSWORD) return Fields.invalid("newPassword", "TOO_SHORT");
    return CONSUME_CODE.run(redis, List.of(AuthKeys.emailCode(studentId)), signer.hash(studentId + ":" + code),
        Integer.toString(WRONG_CODES_ALLOWED))
      .compose(result -> result.toInteger() == 1 ? setPassword(studentId, newPassword)
        : Fields.invalid("code", result.toInteger() == 0 ? "WRONG" : "EXPIRED_OR_USED"));
  }

  Future<Void> sendActivation(String typedId) {
    return known(typedId).compose(account -> {
      if (account.getString("email").isBlank()) return Fields.invalid("email", "REQUIRED");
      String studentId = account.getString("student_id");
      String nonce = UUID.randomUUID().toString();
      Instant expiresAt = Instant.now().plus(config.activationTtl());
      String token = signer.sign(new JsonObject().put("s", studentId).put("n", nonce).put("e", expiresAt.toEpochMilli()));
      // One live link per student: a new link, or any password change, voids the earlier one.
      return redis.set(List.of(AuthKeys.activation(studentId), nonce, "PX", Long.toString(config.activationTtl().toMillis())))
        .compose(v -> mail.send("activation", account.getString("email"), account.getString("lang"), new JsonObject()
          .put("name", account.getString("name")).put("studentId", studentId)
          .put("link", config.publicBaseUrl() + "/activate?token=" + token)
          .put("expiresAt", Times.iso(expiresAt, config.timeZone()))));
    });
  }

  Future<Void> activate(String token, String password) {
    JsonObject claims = signer.verify(token);
    if (claims == null || claims.getLong("e", 0L) < System.currentTimeMillis()) return Fields.invalid("token", "INVALID_OR_EXPIRED");
    if (password.length() < Logins.MIN_PASSWORD) return Fields.invalid("password", "TOO_SHORT");
    String studentId = claims.getString("s");
    return USE_ONCE.run(redis, List.of(AuthKeys.activation(studentId)), claims.getString("n"))
      .compose(used -> used.toInteger() == 1 ? setPassword(studentId, password) : Fields.invalid("token", "USED"));
  }

  Future<JsonObject> resetPassword(String typedId) {
    String temporary = OneTimePasswords.generate();
    return known(typedId).compose(account -> {
      if (!"STUDENT".equals(account.getString("role"))) return ErrorCode.NOT_FOUND.<JsonObject>fail();
      String studentId = account.getString("student_id");
      return hasher.run(() -> OneTimePasswords.hash(temporary))
        .compose(hash -> store.mysql().preparedQuery("UPDATE accounts SET password_hash = ?, must_change_password = TRUE"
          + " WHERE id = ?").execute(Tuple.of(hash, account.getLong("id"))))
        .compose(updated -> endSessionsAndLinks(studentId, account))
        .compose(ended -> account.getString("email").isBlank() ? Future.<Void>succeededFuture()
          : mail.send("password_reset", account.getString("email"), account.getString("lang"), new JsonObject()
            .put("name", account.getString("name")))
            // The password is replaced by now: the admin must see it even when the mail cannot be queued.
            .recover(failed -> {
              log.warn("password reset mail for {} not queued: {}", studentId, failed.getMessage());
              return Future.succeededFuture();
            }))
        .map(sent -> new JsonObject().put("studentId", studentId).put("temporaryPassword", temporary));
    });
  }

  /** A wrong current password counts against the lockout like a wrong login (BAD_CREDENTIALS, then RATE_LIMITED). */
  Future<Void> replaceOneTimePassword(String studentId, String currentPassword, String newPassword, String clientIp) {
    if (newPassword.length() < Logins.MIN_PASSWORD) return Fields.invalid("newPassword", "TOO_SHORT");
    return store.account(studentId).compose(account -> {
      if (account == null) return ErrorCode.NOT_FOUND.<Void>fail();
      if (!account.getBoolean("must_change_password")) return Fields.invalid("currentPassword", "NOT_ONE_TIME");
      if (currentPassword.equals(newPassword)) return Fields.invalid("newPassword", "SAME_AS_CURRENT");
      return guard.check(LoginIds.counted(studentId), clientIp, () -> Future.succeededFuture(account), currentPassword)
        .compose(right -> setPassword(studentId, newPassword));
    });
  }

  /** An account by an id as an admin (or a link) gives it; NOT_FOUND when there is none. */
  private Future<Row> known(String typedId) {
    String studentId = LoginIds.canonical(typedId);
    if (studentId == null) return ErrorCode.NOT_FOUND.fail();
    return store.account(studentId).compose(account -> account == null ? ErrorCode.NOT_FOUND.fail()
      : Future.succeededFuture(account));
  }

  private Future<Void> setPassword(String studentId, String password) {
    return hasher.hash(password)
      .compose(hash -> store.mysql().preparedQuery(
          "UPDATE accounts SET password_hash = ?, must_change_password = FALSE WHERE student_id = ?")
        .execute(Tuple.of(hash, studentId)))
      .compose(updated -> store.account(studentId))
      .compose(account -> endSessionsAndLinks(studentId, account));
  }

  /** Every session of the account ends and its activation link is void. */
  private Future<Void> endSessionsAndLinks(String studentId, Row account) {
    return Future.all(sessions.endAll(studentId, AccountStore.termOf(account)), redis.del(List.of(AuthKeys.activation(studentId))))
      .<Void>mapEmpty();
  }
}
