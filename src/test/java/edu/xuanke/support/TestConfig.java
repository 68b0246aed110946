package edu.xuanke.support;

import edu.xuanke.core.AppConfig;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Settings for tests: conf/config.json with the test's own database and Redis db (never the
 * demo's), a free HTTP port, a fast password hash, no demo data.
 */
public final class TestConfig {

  /** Overridable so that two checkouts on one machine can run their suites side by side. */
  public static final String DATABASE = System.getenv().getOrDefault("XUANKE_TEST_DATABASE", "xuanke_test");
  public static final int REDIS_DB = Integer.parseInt(System.getenv().getOrDefault("XUANKE_TEST_REDIS_DB", "9"));

  private TestConfig() {
  }

  public static JsonObject json() {
    try {
      JsonObject config = new JsonObject(Files.readString(Path.of("conf/config.json")));
      return config
        .put("httpPort", freePort())
        .put("mysqlDatabase", DATABASE)
        .put("redisUrl", "redis://127.0.0.1:6379/" + REDIS_DB)
        .put("jwtSecret", "test-secret-that-is-long-enough-for-hs256-0123456789")
        .put("passwordIterations", 1000)
        .put("demo", false)
        .put("instanceId", "test")
        // The shared Redis keeps nothing on disk; the fault tests start their own in AOF mode.
        .put("durability", "memory")
        .put("httpBodyLimit", 4096);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static AppConfig config() {
    return new AppConfig(json());
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
