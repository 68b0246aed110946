package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;

/**
 * The API's error codes (each in webroot/openapi.yaml) with their HTTP status. Services fail with {@link #exception}, a
 * {@link ServiceException} that crosses the event bus intact (status, code, details); the HTTP
 * layer turns it into the error body with a message in the caller's language.
 */
public enum ErrorCode {
  BAD_REQUEST(400),
  VALIDATION_FAILED(400),
  UNAUTHENTICATED(401),
  BAD_CREDENTIALS(401),
  FORBIDDEN(403),
  NOT_IN_TERM(403),
  PROFILE_INCOMPLETE(403),
  PASSWORD_CHANGE_REQUIRED(403),
  /** The course office deactivated the account: it keeps its history but cannot log in. */
  ACCOUNT_DEACTIVATED(403),
  NOT_FOUND(404),
  SECTION_NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  WINDOW_CLOSED(409),
  SECTION_FULL(409),
  ALREADY_ENROLLED(409),
  COURSE_ALREADY_TAKEN(409),
  TIME_CONFLICT(409),
  LIMIT_REACHED(409),
  RESTRICTED(409),
  NOT_ENROLLED(409),
  NOT_WAITLISTED(409),
  DROP_CLOSED(409),
  CAPACITY_BELOW_ROSTER(409),
  HAS_STUDENTS(409),
  SECTION_RETIRED(409),
  TERM_LIVE(409),
  IN_USE(409),
  /** An admin adds a student whose 学号 exists: the office is asked before the account is updated and moved. */
  STUDENT_EXISTS(409),
  /** An admin write with this Idempotency-Key is still running; retry in a moment. */
  IDEMPOTENCY_IN_FLIGHT(409),
  /** The Idempotency-Key was already used for a different request. */
  IDEMPOTENCY_KEY_REUSED(422),
  ROUND_NOT_CLOSED(409),
  WRONG_ROUND_KIND(409),
  NOT_DRAWN(409),
  ALREADY_PUBLISHED(409),
  LOTTERY_RUNNING(409),
  PAYLOAD_TOO_LARGE(413),
  URI_TOO_LONG(414),
  HEADERS_TOO_LARGE(431),
  RATE_LIMITED(429),
  INTERNAL(500),
  NOT_IMPLEMENTED(501),
  /** A request head naming an HTTP version other than 1.0 and 1.1. */
  HTTP_VERSION_NOT_SUPPORTED(505),
  UNAVAILABLE(503),
  /** The term's live state is being rebuilt from MySQL (missing, or older than MySQL); nothing was changed. */
  TERM_NOT_READY(503);

  public final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  public ServiceException exception() {
    return exception(new JsonObject());
  }

  public ServiceException exception(JsonObject details) {
    return new ServiceException(status, name(), details);
  }

  public <T> Future<T> fail() {
    return Future.failedFuture(exception());
  }

  public <T> Future<T> fail(JsonObject details) {
    return Future.failedFuture(exception(details));
  }

  /** The code named by a failure, if it is one of ours. */
  public static ErrorCode of(Throwable failure) {
    if (failure instanceof ServiceException se && se.getMessage() != null) {
      try {
        return valueOf(se.getMessage());
      } catch (IllegalArgumentException notOurs) {
        return null;
      }
    }
    return null;
  }
}
