package edu.xuanke.bench;

import io.vertx.redis.client.RedisAPI;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Redis spends per script call: wall time inside EVALSHA (INFO commandstats) and the Redis
 * process's CPU time per call (INFO cpu, network and parsing included). On a 2-core box Redis
 * shares the CPU with the service, so each microsecond is taken from the HTTP side too. The CPU
 * figure does not grow when Redis is preempted, so it moves far less with the machine's noise
 * than req/s does; it counts everything the server does, so give the harness a Redis of its own.
 */
final class ScriptCost {

  private static final Pattern EVALSHA = Pattern.compile("cmdstat_evalsha:calls=(\\d+),usec=(\\d+)");
  private static final Pattern CPU = Pattern.compile("used_cpu_(?:user|sys):([0-9.]+)");

  private final RedisAPI redis;
  private long calls;
  private long usec;
  private double cpuSeconds;

  /** {@code redis} null: nothing is measured (a deployment of several Redis servers, bench --target). */
  ScriptCost(RedisAPI redis) {
    this.redis = redis;
  }

  /** Starts counting from now. */
  void start() {
    Sample now = read();
    calls = now.calls;
    usec = now.usec;
    cpuSeconds = now.cpuSeconds;
  }

  /** Wall and CPU microseconds per EVALSHA since {@link #start()}. */
  PerCall perCall() {
    Sample now = read();
    long n = now.calls - calls;
    if (n == 0) return new PerCall(0, 0);
    return new PerCall(tenths((double) (now.usec - usec) / n), tenths((now.cpuSeconds - cpuSeconds) * 1e6 / n));
  }

  record PerCall(double wallUs, double cpuUs) {
  }

  private record Sample(long calls, long usec, double cpuSeconds) {
  }

  private Sample read() {
    if (redis == null) return new Sample(0, 0, 0);
    String info = redis.info(List.of("cpu", "commandstats")).await().toString();
    Matcher m = EVALSHA.matcher(info);
    boolean ran = m.find();
    double cpu = 0;
    for (Matcher c = CPU.matcher(info); c.find(); ) cpu += Double.parseDouble(c.group(1));
    return ran ? new Sample(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), cpu) : new Sample(0, 0, cpu);
  }

  private static double tenths(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
