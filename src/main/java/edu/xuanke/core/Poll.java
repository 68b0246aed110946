package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/** Waiting, without blocking, for a condition that another party makes true. */
public final class Poll {

  private Poll() {
  }

  /** Completes when {@code condition} yields true; fails naming {@code what} after {@code timeoutMs}. */
  public static Future<Void> until(Vertx vertx, Supplier<Future<Boolean>> condition, long intervalMs, long timeoutMs,
                                   String what) {
    Promise<Void> done = Promise.promise();
    check(vertx, condition, intervalMs, System.currentTimeMillis() + timeoutMs, what, done);
    return done.future();
  }

  private static void check(Vertx vertx, Supplier<Future<Boolean>> condition, long intervalMs, long deadline,
                            String what, Promise<Void> done) {
    condition.get().onComplete(ar -> {
      if (ar.succeeded() && ar.result()) done.complete();
      else if (System.currentTimeMillis() > deadline) done.fail(what + ": not in time");
      else vertx.setTimer(intervalMs, t -> check(vertx, condition, intervalMs, deadline, what, done));
    });
  }
}
