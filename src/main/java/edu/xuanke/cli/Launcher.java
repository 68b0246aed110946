package edu.xuanke.cli;

import edu.xuanke.Main;
import edu.xuanke.bench.AdminBench;
import edu.xuanke.bench.Bench;

import java.util.Arrays;

/**
 * The jar's entry point: {@code java -jar xuanke.jar} serves, {@code … bench [options]} and
 * {@code … bench-admin [rows]} run the benchmark harnesses, {@code --help} says so and exits.
 * Its own package, so that the service (edu.xuanke) and the harness (which starts the service)
 * do not depend on each other.
 */
public final class Launcher {

  static final String USAGE = """
    usage: java -jar xuanke.jar [--help]                serve (http://localhost:8080 by default)
           java -jar xuanke.jar bench [options|--help]   the selection benchmark
           java -jar xuanke.jar bench-admin [IMPORT_ROWS [EXPORT_ROWS]|--help]   import/export benchmark
    Settings come from conf/config.json and XUANKE_* environment variables (see the README),
    e.g. XUANKE_HTTP_PORT=8081, XUANKE_DEMO=true (seed demo data), XUANKE_CONFIG=other.json.
    """;

  private Launcher() {
  }

  public static void main(String[] args) throws Exception {
    String command = args.length > 0 ? args[0] : "";
    String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
    switch (command) {
      case "--help", "-h", "help" -> System.out.print(USAGE);
      case "bench" -> Bench.main(rest);
      case "bench-admin" -> AdminBench.main(rest);
      case "" -> Main.main(args);
      default -> {
        System.err.print("unknown command " + command + "\n" + USAGE);
        System.exit(2);
      }
    }
  }
}
