package edu.xuanke.http;

import edu.xuanke.admin.AdminService;
import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Fields;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code Idempotency-Key} header of admin writes (POST, PUT, DELETE under /api/admin): the
 * first request with a key runs and its answer is kept (by the admin domain, in Redis, for 24 h,
 * per admin and key, so any node answers); a retry with the same key and the same request gets
 * that answer again ({@code Idempotent-Replayed: true}) instead of applying twice. See
 * admin/IdempotentWrites for the in-flight and reuse rules. A request without the header runs as
 * before.
 */
public final class IdempotencyKeys {

  public static final String HEADER = "Idempotency-Key";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE);
  /** The context entry where the answer's body is left for {@link #handle} to keep. */
  private static final String ANSWER = "xuanke.answer";

  private final AdminService admin;

  public IdempotencyKeys(AdminService admin) {
    this.admin = admin;
  }

  /** Called by the code that writes an answer's body, so that the answer can be kept. */
  public static void remember(RoutingContext ctx, Buffer body) {
    ctx.put(ANSWER, body);
  }

  /** A route handler, after the admin check (and, for uploads, after the body is read). */
  public void handle(RoutingContext ctx) {
    String key = ctx.request().getHeader(HEADER);
    if (key == null || !WRITES.contains(ctx.request().method())) {
      ctx.next();
      return;
    }
    if (!VALID.matcher(key).matches()) {
      ctx.fail(ErrorCode.VALIDATION_FAILED.exception(Fields.details(HEADER, "INVALID")));
      return;
    }
    String who = TokenAuth.studentId(ctx);
    String fingerprint = fingerprint(ctx);
    admin.beginIdempotentWrite(who, key, fingerprint).onFailure(ctx::fail).onSuccess(claim -> {
      if (claim.getBoolean("replay")) {
        ctx.response().setStatusCode(claim.getInteger("status")).putHeader("Idempotent-Replayed", "true")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (!claim.getString("contentType").isEmpty()) ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, claim.getString("contentType"));
        ctx.response().end(claim.getString("body"));
        return;
      }
      ctx.addBodyEndHandler(sent -> {
        Buffer body = ctx.get(ANSWER);
        String type = ctx.response().headers().get(HttpHeaders.CONTENT_TYPE);
        admin.finishIdempotentWrite(who, key, fingerprint, new JsonObject().put("status", ctx.response().getStatusCode())
          .put("body", body == null ? "" : body.toString(StandardCharsets.UTF_8)).put("contentType", type == null ? "" : type));
      });
      ctx.next();
    });
  }

  /** Method, path, query and body (for an upload: its files' names and sizes), hashed. */
  private static String fingerprint(RoutingContext ctx) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update((ctx.request().method().name() + " " + ctx.request().uri() + "\n").getBytes(StandardCharsets.UTF_8));
      if (ctx.body() != null && ctx.body().buffer() != null) digest.update(ctx.body().buffer().getBytes());
      for (FileUpload file : ctx.fileUploads()) {
        digest.update((file.name() + "=" + file.fileName() + ":" + file.size() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
