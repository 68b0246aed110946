package edu.xuanke.http.api;

import edu.xuanke.http.IdempotencyKeys;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Successful JSON answers. Every one is {@code Cache-Control: no-store}: they are a caller's own
 * data (profile, holdings, a temporary password) or live counts, none of which a browser or a
 * proxy may keep.
 */
final class Json {

  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("application/json; charset=utf-8");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

  private Json() {
  }

  /** The answer's JSON with {@code status}, or its failure through the router's error handler. */
  static void reply(RoutingContext ctx, int status, Future<?> answer) {
    answer.onSuccess(body -> ok(ctx, status, body)).onFailure(ctx::fail);
  }

  /** 204 once {@code done} succeeds, or its failure through the router's error handler. */
  static void noContent(RoutingContext ctx, Future<?> done) {
    done.onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  static void ok(RoutingContext ctx, int status, Object body) {
    Buffer payload = body instanceof Buffer encoded ? encoded
      : body instanceof JsonObject o ? o.toBuffer() : ((JsonArray) body).toBuffer();
    IdempotencyKeys.remember(ctx, payload);
    ctx.response().setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
      .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
      .end(payload);
  }
}
