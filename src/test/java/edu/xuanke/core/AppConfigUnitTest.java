package edu.xuanke.core;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** XUANKE_* environment variables override the config file's keys, typed as the file's values. */
class AppConfigUnitTest {

  private static final JsonObject FILE = new JsonObject().put("httpPort", 8080).put("importFileLimit", 20L * 1024 * 1024)
    .put("demo", true).put("redisUrl", "redis://127.0.0.1:6379/0").put("trustedProxies", "")
    .put("colleges", new JsonArray().add("A")).put("loginFailureWindowSeconds", 900);

  @Test
  void namesAreUpperSnakeCaseWithThePrefix() {
    assertEquals("XUANKE_HTTP_PORT", AppConfig.envName("httpPort"));
    assertEquals("XUANKE_MYSQL_POOL_SIZE", AppConfig.envName("mysqlPoolSize"));
    assertEquals("XUANKE_SMTP_TLS", AppConfig.envName("smtpTls"));
  }

  @Test
  void overridesTakeTheTypeOfTheFilesValue() {
    JsonObject env = new JsonObject().put("XUANKE_HTTP_PORT", " 9090 ").put("XUANKE_IMPORT_FILE_LIMIT", "1048576")
      .put("XUANKE_DEMO", "false").put("XUANKE_REDIS_URL", "redis://redis:6379/3")
      .put("XUANKE_COLLEGES", "X, Y ,Z").put("XUANKE_TRUSTED_PROXIES", "10.0.0.1,10.0.0.2");
    AppConfig config = new AppConfig(AppConfig.merge(FILE, env));
    assertEquals(9090, config.httpPort());
    assertEquals(1_048_576L, config.importFileLimit());
    assertFalse(config.demo());
    assertEquals("redis://redis:6379/3", config.redisUrl());
    assertEquals(List.of("X", "Y", "Z"), config.colleges());
    assertEquals(List.of("10.0.0.1", "10.0.0.2"), config.trustedProxies());
    assertEquals(Duration.ofSeconds(900), config.loginFailureWindow());
  }

  @Test
  void onlyKeysOfTheFileAreOverriddenAndTheFileIsLeftAlone() {
    JsonObject env = new JsonObject().put("XUANKE_NOT_A_KEY", "1").put("PATH", "/bin").put("XUANKE_HTTP_PORT", "1");
    JsonObject merged = AppConfig.merge(FILE, env);
    assertEquals(FILE.fieldNames(), merged.fieldNames());
    assertEquals(8080, FILE.getInteger("httpPort"));
  }

  @Test
  void aMalformedNumberStopsTheStart() {
    assertThrows(NumberFormatException.class,
      () -> AppConfig.merge(FILE, new JsonObject().put("XUANKE_HTTP_PORT", "eighty")));
  }

  @Test
  void missingKeysHaveDefaults() {
    AppConfig config = new AppConfig(new JsonObject());
    assertEquals(8080, config.httpPort());
    assertEquals("midnight", config.sessionTtl());
    assertEquals(List.of(), config.trustedProxies());
  }
}
