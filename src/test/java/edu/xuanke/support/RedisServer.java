package edu.xuanke.support;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Redis server process of the test's own (never the shared one), on a port of its own with a
 * data directory of its own, that a fault test may SIGKILL and start again on the same data.
 * Needs redis-server on the PATH (bin/services.sh installs it).
 */
public final class RedisServer implements AutoCloseable {

  /** The fault tests' ports (6391–6399 are kept for them on the shared machine). */
  public static final int FIRST_PORT = Integer.parseInt(System.getenv().getOrDefault("XUANKE_TEST_REDIS_FAULT_PORT", "6391"));

  public final int port;
  private final Path dir;
  private final List<String> options;
  private Process process;

  /**
   * @param options redis-server options beyond port and directory, e.g. the persistence mode
   */
  public RedisServer(int port, String... options) throws IOException {
    this.port = port;
    this.dir = Files.createTempDirectory("xuanke-redis-" + port + "-");
    this.options = List.of(options);
  }

  /** appendonly yes, appendfsync always: what durability=aof needs (as bin/services.sh starts it). */
  public static RedisServer aof(int port) throws IOException {
    return new RedisServer(port, "--save", "", "--appendonly", "yes", "--appendfsync", "always");
  }

  /** Nothing on disk unless the test asks for a SAVE. */
  public static RedisServer memory(int port) throws IOException {
    return new RedisServer(port, "--save", "", "--appendonly", "no");
  }

  public String url() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  /** Starts the server on its data directory and waits until it answers PING (its data loaded). */
  public RedisServer start(String... extra) throws IOException, InterruptedException {
    if (answers()) throw new IllegalStateException("something already answers on port " + port);
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
      "--bind", "127.0.0.1", "--dir", dir.toString(), "--logfile", new File(dir.toFile(), "redis.log").toString()));
    command.addAll(options);
    command.addAll(List.of(extra));
    process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.currentTimeMillis() + 30_000;
    while (!"+PONG".equals(command("PING"))) {
      if (!process.isAlive()) throw new IllegalStateException("redis-server on " + port + " exited; see " + dir + "/redis.log");
      if (System.currentTimeMillis() > deadline) throw new IllegalStateException("redis-server on " + port + " did not load");
      Thread.sleep(50);
    }
    return this;
  }

  /** SIGKILL: nothing flushed, nothing finished. */
  public void kill() throws InterruptedException {
    if (process == null) return;
    process.destroyForcibly();
    process.waitFor();
    process = null;
  }

  /** One inline command (no arguments with spaces); its first reply line, or null when nothing answers. */
  public String command(String inline) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = socket.getInputStream().read()) != -1 && c != '\n') if (c != '\r') line.append((char) c);
      return line.toString();
    } catch (IOException e) {
      return null;
    }
  }

  private boolean answers() {
    return command("PING") != null;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    kill();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
