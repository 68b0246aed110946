package edu.xuanke.http;

import edu.xuanke.core.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failures as the caller sees them: the API's error envelope, status, language; no trace. No store involved. */
class ApiErrorsUnitTest {

  private static final AtomicReference<Throwable> FAILURE = new AtomicReference<>();
  private static Vertx vertx;
  private static HttpServer server;
  private static WebClient http;

  @BeforeAll
  static void start() throws ClassNotFoundException {
    // Its message bundles load here, not on the event loop at the first failure (a blocked-thread warning).
    Class.forName(ApiErrors.class.getName());
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/fail").handler(ctx -> ctx.fail(FAILURE.get()));
    router.get("/status").handler(ctx -> ctx.fail(Integer.parseInt(ctx.request().getParam("code"))));
    router.route().failureHandler(ApiErrors::handle);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static HttpResponse<Buffer> failWith(Throwable failure, String language) {
    FAILURE.set(failure);
    return http.get("/fail").putHeader("Accept-Language", language).send().await();
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    assertTrue(response.getHeader("Content-Type").startsWith("application/json"), response.getHeader("Content-Type"));
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  void aServiceRefusalKeepsItsCodeAndDetails() {
    JsonObject details = new JsonObject().put("sectionId", 7);
    HttpResponse<Buffer> response = failWith(ErrorCode.TIME_CONFLICT.exception(details), "en");
    assertEquals(409, response.statusCode());
    JsonObject error = error(response);
    assertEquals("TIME_CONFLICT", error.getString("code"));
    assertEquals(details, error.getJsonObject("details"));
    assertEquals(ResourceBundle.getBundle("i18n/errors", Locale.ROOT).getString("TIME_CONFLICT"), error.getString("message"));
  }

  @Test
  void theMessageFollowsAcceptLanguageWithChineseByDefault() {
    String english = error(failWith(ErrorCode.SECTION_FULL.exception(), "en-US,en;q=0.9")).getString("message");
    String chinese = error(failWith(ErrorCode.SECTION_FULL.exception(), "zh-CN")).getString("message");
    String unspecified = error(failWith(ErrorCode.SECTION_FULL.exception(), "fr")).getString("message");
    assertNotEquals(english, chinese);
    assertEquals(chinese, unspecified);
  }

  @Test
  void retryAfterComesFromTheDetails() {
    HttpResponse<Buffer> response = failWith(ErrorCode.RATE_LIMITED.exception(new JsonObject().put("retryAfterSeconds", 42)), "en");
    assertEquals(429, response.statusCode());
    assertEquals("42", response.getHeader("Retry-After"));
  }

  @Test
  void aServiceThatDoesNotAnswerIsUnavailable() {
    HttpResponse<Buffer> response = failWith(new ReplyException(ReplyFailure.TIMEOUT, "timed out"), "en");
    assertEquals(503, response.statusCode());
    assertEquals("UNAVAILABLE", error(response).getString("code"));
  }

  @Test
  void malformedInputIsABadRequest() {
    HttpResponse<Buffer> response = failWith(new DecodeException("Unexpected character"), "en");
    assertEquals(400, response.statusCode());
    assertEquals("BAD_REQUEST", error(response).getString("code"));
  }

  @Test
  void anUnexpectedFailureIsInternalWithoutItsTrace() {
    HttpResponse<Buffer> response = failWith(new IllegalStateException("secret detail at edu.xuanke.Foo"), "en");
    assertEquals(500, response.statusCode());
    assertEquals("INTERNAL", error(response).getString("code"));
    assertFalse(response.bodyAsString().contains("secret detail"));
    assertFalse(response.bodyAsString().contains("edu.xuanke"));
  }

  @Test
  void bareStatusesGetTheEnvelopeToo() {
    for (int status : new int[] {400, 401, 403, 404, 413, 503}) {
      HttpResponse<Buffer> response = http.get("/status?code=" + status).send().await();
      assertEquals(status, response.statusCode());
      assertEquals(status, ErrorCode.valueOf(error(response).getString("code")).status);
    }
  }

  @Test
  void everyCodeHasAMessageInBothLanguages() {
    ResourceBundle english = ResourceBundle.getBundle("i18n/errors", Locale.ROOT);
    ResourceBundle chinese = ResourceBundle.getBundle("i18n/errors", Locale.SIMPLIFIED_CHINESE);
    for (ErrorCode code : ErrorCode.values()) {
      assertFalse(english.getString(code.name()).isBlank(), code.name());
      assertNotEquals(english.getString(code.name()), chinese.getString(code.name()), code.name());
    }
  }
}
