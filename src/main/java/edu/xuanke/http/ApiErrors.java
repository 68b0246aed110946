package edu.xuanke.http;

import edu.xuanke.core.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.LanguageHeader;
import io.vertx.ext.web.RoutingContext;
import io.vertx.serviceproxy.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;

/**
 * Every failed request ends here and leaves as the API's error body (README, "Errors"; webroot/openapi.yaml), with the message in the
 * caller's language (zh-CN unless Accept-Language prefers English). No stack trace leaves.
 */
public final class ApiErrors {

  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
  private static final ResourceBundle EN = ResourceBundle.getBundle("i18n/errors", Locale.ROOT);
  private static final ResourceBundle ZH = ResourceBundle.getBundle("i18n/errors", Locale.SIMPLIFIED_CHINESE);
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json; charset=utf-8");

  private ApiErrors() {
  }

  /** Bodies without details, encoded once: most answers of an opening are one of these. */
  private static final Map<ErrorCode, Buffer> PLAIN_EN = plainBodies(EN);
  private static final Map<ErrorCode, Buffer> PLAIN_ZH = plainBodies(ZH);

  /** The router's failure handler. */
  public static void handle(RoutingContext ctx) {
    respond(ctx, ctx.failure());
  }

  /**
   * Answers a failed service call directly; the hottest routes use this rather than ctx.fail,
   * which walks the router again to find the failure handler.
   */
  public static void respond(RoutingContext ctx, Throwable failure) {
    ErrorCode code;
    JsonObject details = new JsonObject();
    if (failure instanceof ServiceException se && ErrorCode.of(se) != null) {
      code = ErrorCode.of(se);
      if (se.getDebugInfo() != null) details = se.getDebugInfo();
    } else if (failure instanceof ReplyException re && re.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      log.warn("{} {}: a service did not answer: {}", ctx.request().method(), ctx.request().path(), re.getMessage());
      code = ErrorCode.UNAVAILABLE;
    } else if (failure instanceof DecodeException || failure instanceof IllegalArgumentException
      || failure instanceof ClassCastException) {
      code = ErrorCode.BAD_REQUEST;
    } else if (failure == null) {
      code = byStatus(ctx.statusCode());
    } else {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      code = ErrorCode.INTERNAL;
    }
    send(ctx, code, details);
  }

  public static void send(RoutingContext ctx, ErrorCode code, JsonObject details) {
    if (ctx.response().ended()) return;
    send(ctx.response(), prefersEnglish(ctx), code, details, ctx);
  }

  /**
   * For the HTTP server's {@code invalidRequestHandler}: a request line or headers too long, or a
   * head that does not parse, answered in the error format (Vert.x's own answer has no body). The
   * connection is closed after it, as the rest of what the client sent cannot be trusted.
   */
  public static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ErrorCode code = cause instanceof TooLongHttpLineException ? ErrorCode.URI_TOO_LONG
      : cause instanceof TooLongHttpHeaderException ? ErrorCode.HEADERS_TOO_LARGE : ErrorCode.BAD_REQUEST;
    String language = code == ErrorCode.HEADERS_TOO_LARGE ? null : request.getHeader(HttpHeaders.ACCEPT_LANGUAGE);
    send(request.response(), prefersEnglish(language), code, new JsonObject(), null);
    request.connection().close();
  }

  /** For answers outside a router: an Accept-Language header (or null) that starts with English. */
  static boolean prefersEnglish(String acceptLanguage) {
    return acceptLanguage != null && acceptLanguage.trim().toLowerCase(Locale.ROOT).startsWith("en");
  }

  /** The error body of {@code code} without details, in English or Chinese. */
  static Buffer plainBody(ErrorCode code, boolean english) {
    return (english ? PLAIN_EN : PLAIN_ZH).get(code);
  }

  /** {@code ctx}: the request's context when routed, so that an admin write's answer can be kept (IdempotencyKeys). */
  private static void send(HttpServerResponse response, boolean english, ErrorCode code, JsonObject details,
                           RoutingContext ctx) {
    Buffer body = details.isEmpty() ? (english ? PLAIN_EN : PLAIN_ZH).get(code)
      : body(english ? EN : ZH, code, details).toBuffer();
    if (details.containsKey("retryAfterSeconds")) {
      response.putHeader("Retry-After", String.valueOf(details.getValue("retryAfterSeconds")));
    }
    if (ctx != null) IdempotencyKeys.remember(ctx, body);
    response.setStatusCode(code.status)
      .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
      .end(body);
  }

  private static JsonObject body(ResourceBundle messages, ErrorCode code, JsonObject details) {
    return new JsonObject().put("error", new JsonObject()
      .put("code", code.name())
      .put("message", messages.getString(code.name()))
      .put("details", details));
  }

  private static Map<ErrorCode, Buffer> plainBodies(ResourceBundle messages) {
    Map<ErrorCode, Buffer> bodies = new EnumMap<>(ErrorCode.class);
    for (ErrorCode code : ErrorCode.values()) bodies.put(code, body(messages, code, new JsonObject()).toBuffer());
    return bodies;
  }

  private static ErrorCode byStatus(int status) {
    return switch (status) {
      case 400 -> ErrorCode.BAD_REQUEST;
      case 401 -> ErrorCode.UNAUTHENTICATED;
      case 403 -> ErrorCode.FORBIDDEN;
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 414 -> ErrorCode.URI_TOO_LONG;
      case 431 -> ErrorCode.HEADERS_TOO_LARGE;
      case 501 -> ErrorCode.NOT_IMPLEMENTED;
      case 503 -> ErrorCode.UNAVAILABLE;
      default -> status >= 400 && status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL;
    };
  }

  private static boolean prefersEnglish(RoutingContext ctx) {
    for (LanguageHeader language : ctx.acceptableLanguages()) {
      String tag = language.tag().toLowerCase(Locale.ROOT);
      if (tag.startsWith("zh")) return false;
      if (tag.startsWith("en")) return true;
    }
    return false;
  }
}
