package edu.xuanke.support;

import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A whole scaled-out deployment started by bin/cluster on ports of the tests' own (Redis
 * Cluster 7100–7105, Hazelcast 5801…, HAProxy 8190 with the nodes on 8191…), so that it does not
 * collide with a `bin/cluster up` on the defaults. Closing runs `bin/cluster down`, which stops
 * exactly the processes it recorded.
 */
public final class LocalCluster implements AutoCloseable {

  public static final int REDIS_PORT = 7100;
  public static final int HAZELCAST_PORT = 5801;
  public static final int FRONT_PORT = 8190;
  public static final int STATS_PORT = 8199;

  private final int nodes;
  private final Path dir = Path.of("target/cluster-it");
  private final File log = new File("target/cluster-it.log");
  private final String database;

  public LocalCluster(String database, int nodes) {
    this.database = database;
    this.nodes = nodes;
  }

  public LocalCluster up() throws IOException, InterruptedException {
    if (run(600, "up", Integer.toString(nodes)) != 0) {
      close();
      throw new IllegalStateException("bin/cluster up failed; see " + log + " and " + dir);
    }
    return this;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run(120, "down");
  }

  private int run(int seconds, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", "bin/cluster"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    Map<String, String> env = builder.environment();
    env.put("CLUSTER_REDIS_PORT", Integer.toString(REDIS_PORT));
    env.put("CLUSTER_HZ_PORT", Integer.toString(HAZELCAST_PORT));
    env.put("CLUSTER_HTTP_PORT", Integer.toString(FRONT_PORT));
    env.put("CLUSTER_STATS_PORT", Integer.toString(STATS_PORT));
    env.put("CLUSTER_DIR", dir.toString());
    env.put("XUANKE_MYSQL_DATABASE", database);
    env.put("XUANKE_DEMO", "false");
    env.put("XUANKE_PASSWORD_ITERATIONS", "1000");
    env.put("XUANKE_CLUSTER_HEARTBEAT_SECONDS", "5");
    // One event loop per node: three nodes and the test share two cores.
    env.put("XUANKE_EVENT_LOOPS", "1");
    env.put("XUANKE_JAVA_OPTS", "-Xmx256m");
    // A start on a box this busy can take longer than the 800 ms a connect to Redis may take in production.
    env.put("XUANKE_REDIS_TIMEOUT_MS", "5000");
    env.put("XUANKE_JAR", System.getProperty("xuanke.jar", "target/xuanke.jar"));
    Process process = builder.start();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      return -1;
    }
    return process.exitValue();
  }

  public int nodePort(int node) {
    return FRONT_PORT + node;
  }

  public List<String> redisNodes() {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 3; i++) urls.add("redis://127.0.0.1:" + (REDIS_PORT + i));
    return urls;
  }

  /** Settings for the test's own clients: the cluster's Redis and the test database. */
  public JsonObject clientConfig() {
    return TestConfig.json().put("httpPort", FRONT_PORT).put("redisType", "cluster")
      .put("redisNodes", String.join(",", redisNodes()));
  }

  /** The pid `bin/cluster up` recorded for a process ("node2", "redis-7101", "haproxy"). */
  public long pid(String name) throws IOException {
    for (String line : Files.readAllLines(dir.resolve("pids"))) {
      String[] parts = line.trim().split(" ");
      if (parts[0].equals(name)) return Long.parseLong(parts[1]);
    }
    throw new IllegalArgumentException("no process " + name + " recorded");
  }

  /** SIGKILL: no shutdown hook, nothing finished. */
  public void kill(String name) throws Exception {
    ProcessHandle process = ProcessHandle.of(pid(name)).orElseThrow(() -> new IllegalStateException(name + " is not running"));
    process.destroyForcibly();
    process.onExit().get(30, TimeUnit.SECONDS);
  }

  public String nodeLog(int node) throws IOException {
    return Files.readString(dir.resolve("node" + node + ".log"));
  }
}
