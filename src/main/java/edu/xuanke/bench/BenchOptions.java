package edu.xuanke.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The harness's command-line options. */
final class BenchOptions {

  int students = 50_000;
  int sections = 500;
  int seats = 60;
  double skew = 1.0;
  int connections = 256;
  Duration duration = Duration.ofSeconds(30);
  Duration warmup = Duration.ofSeconds(5);
  String json;
  String html;
  String tokens = "target/bench-tokens.txt";
  boolean hold;
  List<String> durability = List.of("memory", "aof");

  static final String USAGE = """
    usage: java -cp target/xuanke.jar edu.xuanke.bench.Bench [options]
      --students N      students in the synthetic term (default 50000)
      --sections N      sections (default 500)
      --seats N         seats per section (default 60)
      --skew S          Zipf exponent of section popularity; 0 = uniform (default 1.0)
      --connections N   HTTP connections (default 256)
      --duration D      measured time per phase, e.g. 30s or 2m (default 30s)
      --warmup D        unmeasured time before each phase (default 5s)
      --json FILE       write the figures as JSON
      --html FILE       write a report with plots
      --tokens FILE     write the students' tokens for wrk (default target/bench-tokens.txt)
      --durability M,M  the Redis modes to measure the Redis-bound phases in, one after the other
                        (default memory,aof); with aof the harness starts a Redis of its own
                        (redis-server on a free port, data in a temporary directory)
      --hold true       after the logins, keep the service running for wrk (bin/wrk-select.lua)
                        instead of running the phases; stop with Ctrl-C
    Redis and MySQL come from conf/config.json and XUANKE_* variables (XUANKE_EVENT_LOOPS: the
    service's event loops, default twice the cores); the harness uses its own
    database (<mysqlDatabase>_bench) and Redis db 15, which it empties first.
    """;

  static BenchOptions parse(List<String> args) {
    BenchOptions o = new BenchOptions();
    List<String> rest = new ArrayList<>(args);
    while (!rest.isEmpty()) {
      String name = rest.remove(0);
      if (rest.isEmpty()) throw new IllegalArgumentException("missing value for " + name + "\n" + USAGE);
      String value = rest.remove(0);
      switch (name) {
        case "--students" -> o.students = Integer.parseInt(value);
        case "--sections" -> o.sections = Integer.parseInt(value);
        case "--seats" -> o.seats = Integer.parseInt(value);
        case "--skew" -> o.skew = Double.parseDouble(value);
        case "--connections" -> o.connections = Integer.parseInt(value);
        case "--duration" -> o.duration = duration(value);
        case "--warmup" -> o.warmup = duration(value);
        case "--json" -> o.json = value;
        case "--html" -> o.html = value;
        case "--tokens" -> o.tokens = value;
        case "--hold" -> o.hold = Boolean.parseBoolean(value);
        case "--durability" -> o.durability = List.of(value.toLowerCase(java.util.Locale.ROOT).split("\\s*,\\s*"));
        default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
      }
    }
    for (String mode : o.durability) {
      if (!List.of("memory", "aof").contains(mode)) throw new IllegalArgumentException("--durability takes memory and/or aof\n" + USAGE);
    }
    if (o.students < 1 || o.sections < 1 || o.seats < 0 || o.connections < 1) {
      throw new IllegalArgumentException("students, sections and connections must be positive\n" + USAGE);
    }
    return o;
  }

  /** "30s", "2m", "500ms" or a number of seconds. */
  static Duration duration(String text) {
    if (text.endsWith("ms")) return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    if (text.endsWith("s")) return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
    if (text.endsWith("m")) return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
    return Duration.ofSeconds(Long.parseLong(text));
  }
}
