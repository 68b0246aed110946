package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.redis.client.impl.types.ErrorType;
import io.vertx.serviceproxy.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a failure of Redis or MySQL reaches a caller. Applied once per service, where
 * {@link ServiceBoundary} registers it; code inside a domain lets store failures travel as they are.
 */
public final class Failures {

  private static final Logger log = LoggerFactory.getLogger(Failures.class);
  /** Error replies that mean "not now": see {@link #unavailable}. */
  private static final String[] TRANSIENT = {"LOADING", "READONLY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN",
    "CONNECTION_CLOSED", "NOREPLICAS"};

  private Failures() {
  }

  /**
   * For {@code Future.recover}: our own refusals pass; an error reply from Redis or a fault of
   * our own code is a defect (INTERNAL, logged with its trace); anything else means a store or a
   * service is out of reach (UNAVAILABLE, nothing changed).
   */
  public static <T> Future<T> fromStore(Throwable failure) {
    if (failure instanceof ServiceException) return Future.failedFuture(failure);
    if (failure instanceof ErrorType && !unavailable((ErrorType) failure)) {
      log.error("Redis refused a command", failure);
      return ErrorCode.INTERNAL.fail();
    }
    if (isDefect(failure)) {
      log.error("a service failed", failure);
      return ErrorCode.INTERNAL.fail();
    }
    log.warn("a backing store is unavailable: {}", failure.toString());
    return ErrorCode.UNAVAILABLE.fail();
  }

  /** Faults no outage can cause: answering them 503 would hide a bug behind "try again". */
  private static boolean isDefect(Throwable failure) {
    return failure instanceof NullPointerException || failure instanceof ClassCastException
      || failure instanceof IndexOutOfBoundsException || failure instanceof ArithmeticException
      || failure instanceof NumberFormatException;
  }

  /**
   * Redis's error replies that mean "not now" rather than a defect: still loading its data after
   * a restart, a replica not (yet) writable, a lost connection the client reports as an error.
   */
  private static boolean unavailable(ErrorType error) {
    String message = error.getMessage() == null ? "" : error.getMessage();
    for (String prefix : TRANSIENT) if (message.startsWith(prefix)) return true;
    return false;
  }
}
