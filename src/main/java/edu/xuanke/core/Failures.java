package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.redis.client.impl.types.ErrorType;
import io.vertx.serviceproxy.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a failure of Redis or MySQL reaches a caller. */
public final class Failures {

  private static final Logger log = LoggerFactory.getLogger(Failures.class);

  private Failures() {
  }

  /**
   * For {@code Future.recover}: our own refusals pass; an error reply from Redis is a defect
   * (INTERNAL); anything else means a store is out of reach (UNAVAILABLE, nothing changed).
   */
  public static <T> Future<T> fromStore(Throwable failure) {
    if (failure instanceof ServiceException) return Future.failedFuture(failure);
    if (failure instanceof ErrorType) {
      log.error("Redis refused a command", failure);
      return ErrorCode.INTERNAL.fail();
    }
    log.warn("a backing store is unavailable: {}", failure.toString());
    return ErrorCode.UNAVAILABLE.fail();
  }
}
