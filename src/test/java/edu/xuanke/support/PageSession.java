package edu.xuanke.support;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One browser's view of the pages without a browser: keeps its cookies, follows no redirects,
 * and posts forms with the CSRF token of the last page it read (as a browser's form would).
 */
public final class PageSession {

  private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");

  private final WebClient http;
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private String csrf;

  public PageSession(WebClient http) {
    this.http = http;
  }

  public HttpResponse<Buffer> get(String path) {
    HttpResponse<Buffer> response = send(http.get(path), null);
    Matcher m = CSRF.matcher(response.bodyAsString() == null ? "" : response.bodyAsString());
    if (m.find()) csrf = m.group(1);
    return response;
  }

  /** Posts the form with the page's CSRF token added. */
  public HttpResponse<Buffer> post(String path, MultiMap form) {
    return postRaw(path, MultiMap.caseInsensitiveMultiMap().addAll(form).add("_csrf", csrf));
  }

  /** Posts the form as given (e.g. without a token). */
  public HttpResponse<Buffer> postRaw(String path, MultiMap form) {
    return send(http.post(path), form);
  }

  /** A JSON API call the way the pages' script makes it: the session cookie, plus the CSRF header when asked. */
  public HttpResponse<Buffer> api(io.vertx.core.http.HttpMethod method, String path, JsonObject body, boolean withToken) {
    HttpRequest<Buffer> request = http.request(method, path);
    request.putHeader("Cookie", cookieHeader());
    if (withToken) request.putHeader("X-CSRF-Token", csrf);
    HttpResponse<Buffer> response = body == null ? request.send().await() : request.sendJsonObject(body).await();
    remember(response);
    return response;
  }

  /** Logs in through the login form; fails unless it redirects. */
  public PageSession login(String studentId, String password) {
    get("/login");
    HttpResponse<Buffer> response = post("/login", MultiMap.caseInsensitiveMultiMap()
      .add("studentId", studentId).add("password", password).add("next", "/"));
    if (response.statusCode() != 303) throw new AssertionError("login of " + studentId + ": " + response.statusCode());
    return this;
  }

  public String cookie(String name) {
    return cookies.get(name);
  }

  public String csrf() {
    return csrf;
  }

  private HttpResponse<Buffer> send(HttpRequest<Buffer> request, MultiMap form) {
    request.followRedirects(false);
    if (!cookies.isEmpty()) request.putHeader("Cookie", cookieHeader());
    HttpResponse<Buffer> response = form == null ? request.send().await() : request.sendForm(form).await();
    remember(response);
    return response;
  }

  private String cookieHeader() {
    StringBuilder header = new StringBuilder();
    cookies.forEach((k, v) -> header.append(header.length() == 0 ? "" : "; ").append(k).append('=').append(v));
    return header.toString();
  }

  private void remember(HttpResponse<Buffer> response) {
    for (String setCookie : response.cookies()) {
      String pair = setCookie.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      if (value.isEmpty() || setCookie.toLowerCase().contains("max-age=0")) cookies.remove(name);
      else cookies.put(name, value);
    }
  }
}
