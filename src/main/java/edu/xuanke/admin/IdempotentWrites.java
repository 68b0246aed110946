package edu.xuanke.admin;

import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.RedisScript;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The results of admin writes sent with an {@code Idempotency-Key}, in Redis (any node answers a
 * retry), per admin and key: a claim while the first request runs ({@link #CLAIM_MS}), then its
 * answer for {@link #KEPT_MS}. A retry gets the stored answer; a retry while the first is still
 * running gets 409 IDEMPOTENCY_IN_FLIGHT (it is not made to wait: the first may take seconds,
 * and the admin's client can simply retry); the key sent with another request gets 422
 * IDEMPOTENCY_KEY_REUSED. An answer of 5xx is not kept (nothing changed), so a retry runs again.
 */
public final class IdempotentWrites {

  /** Longer than any admin write may run (their budget is below the 10 s service timeout). */
  static final long CLAIM_MS = 60_000;
  static final long KEPT_MS = 24L * 3600 * 1000;
  private static final RedisScript BEGIN = RedisScript.fromResources("lua/idempotency_begin.lua");
  private static final RedisScript FINISH = RedisScript.fromResources("lua/idempotency_finish.lua");

  private final RedisAPI redis;

  public IdempotentWrites(RedisAPI redis) {
    this.redis = redis;
  }

  /** {replay: false} for a new key (now claimed), or {replay: true, status, body, contentType}. */
  public Future<JsonObject> begin(String admin, String key, String fingerprint) {
    return BEGIN.run(redis, List.of(record(admin, key)), fingerprint, Long.toString(CLAIM_MS)).compose(reply ->
      switch (reply.get(0).toString()) {
        case "NEW" -> Future.succeededFuture(new JsonObject().put("replay", false));
        case "IN_FLIGHT" -> ErrorCode.IDEMPOTENCY_IN_FLIGHT.fail(new JsonObject().put("retryAfterSeconds", 1));
        case "MISMATCH" -> ErrorCode.IDEMPOTENCY_KEY_REUSED.fail();
        default -> Future.succeededFuture(new JsonObject().put("replay", true)
          .put("status", Integer.parseInt(reply.get(1).toString()))
          .put("body", reply.get(2).toString())
          .put("contentType", reply.get(3).toString()));
      });
  }

  /** Keeps {status, body, contentType} for retries; a 5xx (or no status) releases the claim instead. */
  public Future<Void> finish(String admin, String key, String fingerprint, JsonObject answer) {
    int status = answer.getInteger("status", 0);
    boolean keep = status > 0 && status < 500;
    return FINISH.run(redis, List.of(record(admin, key)), fingerprint, keep ? Integer.toString(status) : "",
      answer.getString("body", ""), answer.getString("contentType", ""), Long.toString(KEPT_MS)).mapEmpty();
  }

  /** The record's key: admin and client key encoded, so neither can collide with the other or other keys. */
  private static String record(String admin, String key) {
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    return "xk:idempotency:" + encoder.encodeToString(admin.getBytes(StandardCharsets.UTF_8)) + ":"
      + encoder.encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }
}
