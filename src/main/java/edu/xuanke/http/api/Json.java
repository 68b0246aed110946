package edu.xuanke.http.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Successful JSON answers. */
final class Json {

  private Json() {
  }

  static void ok(RoutingContext ctx, int status, Object body) {
    Buffer payload = body instanceof Buffer encoded ? encoded
      : body instanceof JsonObject o ? o.toBuffer() : ((JsonArray) body).toBuffer();
    ctx.response().setStatusCode(status)
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .end(payload);
  }
}
