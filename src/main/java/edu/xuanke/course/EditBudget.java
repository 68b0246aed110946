package edu.xuanke.course;

import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.ServiceCalls;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The time an admin's catalog edit may take, so that a 503 means "nothing changed": past the
 * deadline the edit's Redis step is not sent and its MySQL transaction is rolled back instead of
 * committed, whatever the edit was waiting for (a pool connection, a row lock, a slow store).
 * Redis cannot be rolled back, so once the Redis step is sent the edit commits (in milliseconds).
 * The budget is half the caller's wait ({@link ServiceCalls#TIMEOUT_MS}), so an edit that
 * commits answers the caller in time; one that is refused answers 503 UNAVAILABLE (details.reason
 * DEADLINE), or the caller's own timeout answers 503 first — either way nothing was applied.
 */
final class EditBudget {

  static final long BUDGET_MS = ServiceCalls.TIMEOUT_MS / 2;

  private final long deadline = System.currentTimeMillis() + BUDGET_MS;
  private boolean redisSent;

  /** The transaction's body, then a last check before its commit. */
  <T> Future<T> bound(Future<T> work) {
    return work.compose(result -> inTime().map(result));
  }

  /** Call right before sending the edit's Redis step: refuses when the budget is spent, else the edit runs to its end. */
  Future<Void> beforeRedis() {
    return inTime().onSuccess(v -> redisSent = true);
  }

  private Future<Void> inTime() {
    if (redisSent || System.currentTimeMillis() < deadline) return Future.succeededFuture();
    return ErrorCode.UNAVAILABLE.fail(new JsonObject().put("reason", "DEADLINE"));
  }
}
