package edu.xuanke.http;

import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Fields;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.serviceproxy.ServiceException;

/** Reading request input; anything of the wrong shape is 400 BAD_REQUEST. */
public final class Requests {

  private Requests() {
  }

  /**
   * The JSON object body. It must come as application/json: a page of another site cannot send
   * that type without a CORS preflight, so a cookie-authenticated call cannot be forged by a form.
   */
  public static JsonObject body(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("application/json")) throw badRequest("Content-Type", "NOT_JSON");
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) throw badRequest("body", "REQUIRED");
      return body;
    } catch (ServiceException e) {
      throw e;
    } catch (RuntimeException notAnObject) {
      throw badRequest("body", "NOT_JSON_OBJECT");
    }
  }

  public static long requiredId(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() > 0) return n.longValue();
    throw badRequest(field, value == null ? "REQUIRED" : "NOT_AN_ID");
  }

  public static String requiredString(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value instanceof String s) return s;
    throw badRequest(field, value == null ? "REQUIRED" : "NOT_A_STRING");
  }

  public static boolean optionalBoolean(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) return false;
    if (value instanceof Boolean b) return b;
    throw badRequest(field, "NOT_A_BOOLEAN");
  }

  /** A path parameter that must be a positive id. */
  public static long pathId(RoutingContext ctx, String name) {
    return parseId(ctx.pathParam(name), name);
  }

  /** A query parameter that may be absent (0) or a positive id. */
  public static long queryId(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    return value == null || value.isEmpty() ? 0 : parseId(value, name);
  }

  private static long parseId(String value, String name) {
    try {
      long id = Long.parseLong(value);
      if (id > 0) return id;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw badRequest(name, "NOT_AN_ID");
  }

  private static ServiceException badRequest(String field, String reason) {
    return ErrorCode.BAD_REQUEST.exception(Fields.details(field, reason));
  }
}
