package edu.xuanke.support;

import edu.xuanke.core.AppConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * The packaged jar run as a separate process, configured through XUANKE_* variables. Closing
 * kills it if a test left it running.
 */
public final class ServiceProcess implements AutoCloseable {

  private final JsonObject config;
  private final File log;
  private Process process;

  public ServiceProcess(JsonObject config, File log) {
    this.config = config;
    this.log = log;
  }

  public ServiceProcess start(WebClient http) throws IOException, InterruptedException {
    String jar = System.getProperty("xuanke.jar", "target/xuanke.jar");
    ProcessBuilder builder = new ProcessBuilder("java", "-jar", jar)
      .redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    Map<String, String> env = builder.environment();
    for (String key : config.fieldNames()) env.put(AppConfig.envName(key), String.valueOf(config.getValue(key)));
    process = builder.start();
    try {
      awaitHealthy(http);
      return this;
    } catch (RuntimeException | InterruptedException e) {
      kill();
      throw e;
    }
  }

  private void awaitHealthy(WebClient http) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("the service exited; see " + log);
      try {
        if (http.get("/health").send().await().statusCode() == 200) return;
      } catch (Exception notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the service did not become healthy; see " + log);
  }

  /** SIGKILL: no shutdown hook, no flush, nothing finished. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) kill();
  }

  /** SIGTERM: the graceful path. */
  public int terminate() throws InterruptedException {
    process.destroy();
    return process.waitFor();
  }
}
