package edu.xuanke.http;

import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Hmac;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * CSRF protection for everything the browser sends with the session cookie. The token is an
 * HMAC of the session cookie's value (before login: of a random pre-session cookie), so it is
 * bound to the session, needs no server-side store (works the same on every instance) and dies
 * with the session. Pages put it in forms ({@value #FIELD}) and in the {@value #HEADER} header
 * of their fetches. Requests authenticated by an Authorization header are not affected: another
 * site cannot make a browser send that header.
 */
public final class Csrf {

  public static final String HEADER = "X-CSRF-Token";
  public static final String FIELD = "_csrf";
  static final String PRE_SESSION_COOKIE = "xk_pre";
  private static final String PRE_SESSION_KEY = "xk.preSession";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key;
  private final SessionCookie cookies;

  /** {@code secret}: the JWT secret; the CSRF key is derived from it. */
  public Csrf(String secret, SessionCookie cookies) {
    this.key = Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8), "xuanke-csrf");
    this.cookies = cookies;
  }

  /** The token for this browser's forms and fetches; sets a pre-session cookie when there is no session. */
  public String token(RoutingContext ctx) {
    String binding = binding(ctx);
    if (binding == null) {
      byte[] nonce = new byte[18];
      RANDOM.nextBytes(nonce);
      String value = Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
      ctx.response().addCookie(cookies.strict(PRE_SESSION_COOKIE, value));
      ctx.put(PRE_SESSION_KEY, value);
      binding = "pre:" + value;
    }
    return tokenFor(binding);
  }

  /** Whether {@code presented} is this browser's token. */
  public boolean valid(RoutingContext ctx, String presented) {
    return matches(binding(ctx), presented);
  }

  /** Whether {@code presented} is the token of {@code binding} (compared in constant time). */
  boolean matches(String binding, String presented) {
    if (binding == null || presented == null) return false;
    byte[] expected = tokenFor(binding).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * For /api/**: a state-changing request that relies on the session cookie (no Authorization
   * header) must carry the token in {@value #HEADER}; else 403 FORBIDDEN.
   */
  public Handler<RoutingContext> apiGuard() {
    return ctx -> {
      boolean cookieAuthenticated = !TokenAuth.bearer(ctx) && ctx.request().getCookie(TokenAuth.COOKIE) != null;
      if (SAFE.contains(ctx.request().method()) || !cookieAuthenticated || valid(ctx, ctx.request().getHeader(HEADER))) {
        ctx.next();
      } else {
        ctx.fail(ErrorCode.FORBIDDEN.exception());
      }
    };
  }

  /** For pages: a state-changing request must carry the token as form field or header; else 403. */
  public Handler<RoutingContext> formGuard() {
    return ctx -> {
      if (SAFE.contains(ctx.request().method())) {
        ctx.next();
        return;
      }
      String presented = ctx.request().getFormAttribute(FIELD);
      if (presented == null) presented = ctx.request().getHeader(HEADER);
      if (valid(ctx, presented)) ctx.next();
      else ctx.fail(403);
    };
  }

  String tokenFor(String binding) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Hmac.sha256(key, binding));
  }

  /** What the token is bound to: the session cookie, else the pre-session cookie, else nothing yet. */
  private static String binding(RoutingContext ctx) {
    Cookie session = ctx.request().getCookie(TokenAuth.COOKIE);
    if (session != null && !session.getValue().isEmpty()) return "session:" + session.getValue();
    String fresh = ctx.get(PRE_SESSION_KEY);
    if (fresh != null) return "pre:" + fresh;
    Cookie pre = ctx.request().getCookie(PRE_SESSION_COOKIE);
    return pre == null || pre.getValue().isEmpty() ? null : "pre:" + pre.getValue();
  }
}
