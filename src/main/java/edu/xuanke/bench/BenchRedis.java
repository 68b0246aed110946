package edu.xuanke.bench;

import io.vertx.redis.client.RedisAPI;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A redis-server of the harness's own (free port, temporary data directory), so that it may switch
 * the AOF on and off between phases without touching anyone's Redis.
 */
final class BenchRedis implements AutoCloseable {

  final int port;
  private final Path dir;
  private final Process process;

  BenchRedis(int port) throws IOException, InterruptedException {
    this.port = port;
    this.dir = Files.createTempDirectory("xuanke-bench-redis-");
    process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
      "--save", "", "--appendonly", "no", "--dir", dir.toString(),
      "--logfile", new File(dir.toFile(), "redis.log").toString())
      .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    for (int i = 0; i < 100 && process.isAlive(); i++) {
      try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("redis-server did not start on " + port + " (is it installed? bin/services.sh)");
  }

  String url(int db) {
    return "redis://127.0.0.1:" + port + "/" + db;
  }

  /**
   * memory: no AOF; aof: appendonly yes, appendfsync always, once the AOF's first rewrite is done.
   * Blocks the calling (non-Vert.x) thread.
   */
  static void switchTo(RedisAPI redis, String mode) throws InterruptedException {
    redis.config(List.of("SET", "appendfsync", "always")).await();
    redis.config(List.of("SET", "appendonly", "aof".equals(mode) ? "yes" : "no")).await();
    for (int i = 0; i < 600; i++) {
      String info = redis.info(List.of("persistence")).await().toString();
      if (!info.contains("aof_rewrite_in_progress:1") && !info.contains("aof_rewrite_scheduled:1")) return;
      Thread.sleep(100);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    process.waitFor();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
