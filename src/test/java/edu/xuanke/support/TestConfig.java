package edu.xuanke.support;

import edu.xuanke.core.AppConfig;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Settings for tests: conf/config.json with the test's own database and Redis db (never the
 * demo's), a free HTTP port, a fast password hash, no demo data.
 */
public final class TestConfig {

  /** Overridable so that two checkouts on one machine can run their suites side by side. */
  public static final String DATABASE = System.getenv().getOrDefault("XUANKE_TEST_DATABASE", "xuanke_test");
  public static final int REDIS_DB = Integer.parseInt(System.getenv().getOrDefault("XUANKE_TEST_REDIS_DB", "9"));

  /** Starts at a random point so that two suites on one machine rarely try the same ports. */
  private static final AtomicInteger NEXT_PORT = new AtomicInteger(ThreadLocalRandom.current().nextInt(12_000));

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
        // A busy CI machine must not turn slow replies into 503s; the outage tests that time the
        // 503s set the production value (conf/config.json) back.
        .put("redisTimeoutMs", 3000)
        .put("httpBodyLimit", 4096);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static AppConfig config() {
    return new AppConfig(json());
  }

  /**
   * A port nothing listens on, below the kernel's ephemeral range (32768 and up here): a relay that
   * a test closes and opens again on the same port must not find it taken meanwhile by the local
   * end of some outgoing connection, which an ephemeral port may become at any moment.
   */
  public static int freePort() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int candidate = 20_000 + NEXT_PORT.getAndIncrement() % 12_000;
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress("127.0.0.1", candidate));
        return candidate;
      } catch (IOException taken) {
        // try the next one
      }
    }
    throw new IllegalStateException("no free port between 20000 and 32000");
  }
}
