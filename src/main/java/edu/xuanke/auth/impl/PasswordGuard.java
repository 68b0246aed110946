package edu.xuanke.auth.impl;

import edu.xuanke.auth.AuthKeys;
import edu.xuanke.auth.PasswordHasher;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.RedisScript;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Row;

import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Every check of a password someone types (a login, the current password of an email or
 * password change) goes through here: it is reserved against the lockout of the account from
 * this client IP and of the IP across accounts before anything is hashed (lua/login_attempt.lua),
 * then verified; a right password, or a check that could not be made, gives its reservation back
 * (lua/login_release.lua). So wrong current passwords add up with wrong logins, and a burst of
 * guesses never gets more hashes than the limits allow.
 */
final class PasswordGuard {

  private static final RedisScript RESERVE = RedisScript.fromResources("lua/login_attempt.lua");
  private static final RedisScript RELEASE = RedisScript.fromResources("lua/login_release.lua");

  private final AppConfig config;
  private final RedisAPI redis;
  private final PasswordHasher hasher;
  /** Checked when the account does not exist or has no usable hash, so that every failure takes as long. */
  private final Future<String> decoyHash;

  PasswordGuard(AppConfig config, RedisAPI redis, PasswordHasher hasher) {
    this.config = config;
    this.redis = redis;
    this.hasher = hasher;
    this.decoyHash = hasher.hash(UUID.randomUUID().toString());
  }

  /**
   * The account when {@code password} is its password; BAD_CREDENTIALS when it is not or there is
   * no such account (as slowly), RATE_LIMITED (with retryAfterSeconds) without checking anything
   * while the account or the IP is locked. {@code loginId}: the canonical id the lock counts. A
   * check that could not be made (UNAVAILABLE: the hashing queue full, a store away) gives its
   * reservation back: only a wrong password counts.
   */
  Future<Row> check(String loginId, String clientIp, Supplier<Future<Row>> account, String password) {
    List<String> keys = List.of(AuthKeys.loginAttempts(loginId, clientIp), AuthKeys.loginFailures(clientIp));
    return RESERVE.run(redis, keys, Long.toString(config.loginFailureWindow().toMillis()),
        Integer.toString(config.loginFailureLimit()), Integer.toString(config.loginFailureLimitPerIp()))
      .compose(reserved -> reserved.get(0).toInteger() == 1 ? checkReserved(keys, account, password)
        : rateLimited(reserved.get(1).toLong()));
  }

  private Future<Row> checkReserved(List<String> keys, Supplier<Future<Row>> account, String password) {
    Future<Row> found = account.get();
    return found.compose(row -> verify(row, password)).transform(checked -> {
      if (checked.failed()) {
        return RELEASE.run(redis, keys, "unchecked").transform(released -> Future.<Row>failedFuture(checked.cause()));
      }
      return checked.result() ? RELEASE.run(redis, keys, "right").map(found.result()) : ErrorCode.BAD_CREDENTIALS.fail();
    });
  }

  private Future<Boolean> verify(Row account, String password) {
    String stored = account == null ? null : account.getString("password_hash");
    if (PasswordHasher.wellFormed(stored)) return hasher.verify(password, stored);
    return decoyHash.compose(decoy -> hasher.verify(password, decoy)).map(false);
  }

  static <T> Future<T> rateLimited(long waitMs) {
    return ErrorCode.RATE_LIMITED.fail(new JsonObject().put("retryAfterSeconds", Math.max(1, (waitMs + 999) / 1000)));
  }
}
