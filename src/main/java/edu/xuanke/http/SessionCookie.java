package edu.xuanke.http;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerResponse;

/**
 * The cookie that carries the session's JWT for the pages: HttpOnly (no script reads it),
 * SameSite=Strict (no other site's page sends it along) and Secure when the service is served
 * over https. The API's login sets the same cookie.
 */
public final class SessionCookie {

  private final boolean secure;

  public SessionCookie(boolean secure) {
    this.secure = secure;
  }

  public static SessionCookie forBaseUrl(String publicBaseUrl) {
    return new SessionCookie(publicBaseUrl.startsWith("https:"));
  }

  public boolean secure() {
    return secure;
  }

  public void set(HttpServerResponse response, String token) {
    response.addCookie(strict(TokenAuth.COOKIE, token));
  }

  public void clear(HttpServerResponse response) {
    response.addCookie(strict(TokenAuth.COOKIE, "").setMaxAge(0));
  }

  /** An HttpOnly, SameSite=Strict cookie for the whole site. */
  public Cookie strict(String name, String value) {
    return Cookie.cookie(name, value).setPath("/").setHttpOnly(true).setSecure(secure).setSameSite(CookieSameSite.STRICT);
  }
}
