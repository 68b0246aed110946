package edu.xuanke.bench;

import io.vertx.redis.client.RedisAPI;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time Redis spends in scripts, from INFO commandstats: on a 2-core box Redis shares the CPU
 * with the service, so each microsecond a script costs is taken from the HTTP side too. This
 * figure moves far less with the machine's noise than req/s does.
 */
final class ScriptCost {

  private static final Pattern EVALSHA = Pattern.compile("cmdstat_evalsha:calls=(\\d+),usec=(\\d+)");

  private final RedisAPI redis;
  private long calls;
  private long usec;

  ScriptCost(RedisAPI redis) {
    this.redis = redis;
  }

  /** Starts counting from now. */
  void start() {
    long[] now = read();
    calls = now[0];
    usec = now[1];
  }

  /** Microseconds per EVALSHA since {@link #start()}. */
  double usPerCall() {
    long[] now = read();
    long n = now[0] - calls;
    return n == 0 ? 0 : Math.round(10.0 * (now[1] - usec) / n) / 10.0;
  }

  private long[] read() {
    String info = redis.info(List.of("commandstats")).await().toString();
    Matcher m = EVALSHA.matcher(info);
    return m.find() ? new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))} : new long[] {0, 0};
  }
}
