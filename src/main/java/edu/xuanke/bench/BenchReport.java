package edu.xuanke.bench;

import edu.xuanke.core.VertxSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of a run: on the console, as JSON (--json) and as an HTML page with plots (--html). */
final class BenchReport {

  private static final double[] PERCENTILES = {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100};

  private final BenchOptions options;
  private final LoadDriver.Result hello;
  private final LoadDriver.Result evalsha;
  private final LoadDriver.Result selection;
  private final LoadDriver.Result mix;
  private final List<ModeResult> modes;
  private final List<String> violations;
  private final int blockedThreadWarnings;
  private final long heapMaxMb;
  private final long heapAfterGcMaxMb;
  private final int logins;

  /**
   * The Redis-bound phases in one durability mode, with the persistence lag (ms, stream append to
   * MySQL commit) of the events written during the selection and write-heavy phases, and the
   * selection steps per Redis call in each (course/BatchSizes).
   */
  record ModeResult(String mode, LoadDriver.Result evalsha, LoadDriver.Result selection, LoadDriver.Result writeHeavy,
                    Histogram selectionLag, Histogram writeLag, Histogram selectionSteps, Histogram writeSteps) {

    /** Share of the write-heavy phase's answers that changed something (2xx; outcomes are "op status …"). */
    double writeShare() {
      long changes = writeHeavy.outcomeCounts().entrySet().stream().filter(e -> e.getKey().matches("\\S+ 2\\d\\d.*"))
        .mapToLong(Map.Entry::getValue).sum();
      return changes / (double) Math.max(1, writeHeavy.requests.sum());
    }

    JsonObject json() {
      return new JsonObject().put("mode", mode)
        .put("evalsha.rps", round(evalsha.rps())).put("evalsha.p99_ms", evalsha.percentileMs(99))
        .put("selection.rps", round(selection.rps())).put("selection.p99_ms", selection.percentileMs(99))
        .put("writeHeavy.rps", round(writeHeavy.rps())).put("writeHeavy.p50_ms", writeHeavy.percentileMs(50))
        .put("writeHeavy.p99_ms", writeHeavy.percentileMs(99)).put("writeHeavy.writeShare", round2(writeShare()))
        .put("writeHeavy.outcomes", new JsonObject(new LinkedHashMap<>(writeHeavy.outcomeCounts())))
        .put("ratio.selection_to_evalsha", round2(selection.rps() / evalsha.rps()))
        .put("ratio.writeHeavy_p99_to_evalsha_p99", round2(writeHeavy.percentileMs(99) / evalsha.percentileMs(99)))
        .put("persistenceLag.selection.p50_ms", selectionLag.getValueAtPercentile(50))
        .put("persistenceLag.selection.p99_ms", selectionLag.getValueAtPercentile(99))
        .put("persistenceLag.writeHeavy.p50_ms", writeLag.getValueAtPercentile(50))
        .put("persistenceLag.writeHeavy.p99_ms", writeLag.getValueAtPercentile(99))
        .put("stepsPerCall.selection.mean", round2(selectionSteps.getMean()))
        .put("stepsPerCall.writeHeavy.mean", round2(writeSteps.getMean()));
    }
  }

  BenchReport(BenchOptions options, LoadDriver.Result hello, List<ModeResult> modes,
              LoadDriver.Result mix, List<String> violations, int blockedThreadWarnings, long heapMaxMb,
              long heapAfterGcMaxMb, int logins) {
    this.heapAfterGcMaxMb = heapAfterGcMaxMb;
    this.mix = mix;
    this.modes = modes;
    this.options = options;
    this.hello = hello;
    this.evalsha = modes.get(0).evalsha();
    this.selection = modes.get(0).selection();
    this.violations = violations;
    this.blockedThreadWarnings = blockedThreadWarnings;
    this.heapMaxMb = heapMaxMb;
    this.logins = logins;
  }

  JsonObject json() {
    JsonObject byOp = new JsonObject();
    mix.latencyByOp.forEach((op, h) -> byOp.put(op, new JsonObject().put("count", h.getTotalCount())
      .put("p50_ms", ms(h, 50)).put("p99_ms", ms(h, 99))));
    return new JsonObject()
      .put("selection.rps", round(selection.rps()))
      .put("selection.p50_ms", selection.percentileMs(50))
      .put("selection.p90_ms", selection.percentileMs(90))
      .put("selection.p99_ms", selection.percentileMs(99))
      .put("selection.p999_ms", selection.percentileMs(99.9))
      .put("selection.requests", selection.requests.sum())
      .put("selection.ioErrors", selection.failures.sum())
      .put("selection.outcomes", new JsonObject(new LinkedHashMap<>(selection.outcomeCounts())))
      .put("mix.rps", round(mix.rps()))
      .put("mix.p50_ms", mix.percentileMs(50))
      .put("mix.p99_ms", mix.percentileMs(99))
      .put("mix.byOp", byOp)
      .put("mix.outcomes", new JsonObject(new LinkedHashMap<>(mix.outcomeCounts())))
      .put("baseline.hello.rps", round(hello.rps()))
      .put("baseline.hello.p99_ms", hello.percentileMs(99))
      .put("baseline.evalsha.rps", round(evalsha.rps()))
      .put("baseline.evalsha.p99_ms", evalsha.percentileMs(99))
      .put("jvm.cpu_us_per_request.hello", Math.round(hello.jvmCpuUsPerRequest))
      .put("jvm.cpu_us_per_request.evalsha", Math.round(evalsha.jvmCpuUsPerRequest))
      .put("jvm.cpu_us_per_request.selection", Math.round(selection.jvmCpuUsPerRequest))
      .put("jvm.cpu_us_per_request.mix", Math.round(mix.jvmCpuUsPerRequest))
      .put("redis.baseline.wall_us_per_script", evalsha.redisPerScript.wallUs())
      .put("redis.baseline.cpu_us_per_script", evalsha.redisPerScript.cpuUs())
      .put("redis.selection.wall_us_per_script", selection.redisPerScript.wallUs())
      .put("redis.selection.cpu_us_per_script", selection.redisPerScript.cpuUs())
      .put("redis.mix.wall_us_per_script", mix.redisPerScript.wallUs())
      .put("redis.mix.cpu_us_per_script", mix.redisPerScript.cpuUs())
      .put("ratio.evalsha", round2(selection.rps() / evalsha.rps()))
      .put("ratio.hello", round2(selection.rps() / hello.rps()))
      .put("durability", new JsonArray(modes.stream().map(ModeResult::json).toList()))
      .put("invariants.violations", violations.size())
      .put("invariants.details", new JsonArray(violations.stream().limit(20).toList()))
      .put("blockedThreadWarnings", blockedThreadWarnings)
      .put("heap.max_mb", heapMaxMb)
      .put("heap.after_gc_max_mb", heapAfterGcMaxMb)
      .put("options", new JsonObject().put("students", options.students).put("sections", options.sections)
        .put("seats", options.seats).put("skew", options.skew).put("connections", options.connections)
        .put("durationSeconds", options.duration.toSeconds()).put("logins", logins))
      .put("machine", new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
        .put("serviceEventLoops", VertxSettings.options().getEventLoopPoolSize())
        .put("java", System.getProperty("java.version")).put("os", System.getProperty("os.name")));
  }

  void print() {
    System.out.println();
    System.out.println("phase               req/s      p50 ms   p90 ms   p99 ms  p99.9 ms  JVM cpu µs/req  Redis µs/script: wall  cpu");
    for (LoadDriver.Result r : List.of(hello, evalsha, selection, mix)) {
      System.out.printf(Locale.ROOT, "%-16s %10.0f %9.2f %8.2f %8.2f %9.2f %15.0f %21.1f %4.1f%n", r.phase, r.rps(),
        r.percentileMs(50), r.percentileMs(90), r.percentileMs(99), r.percentileMs(99.9), r.jvmCpuUsPerRequest,
        r.redisPerScript.wallUs(),
        r.redisPerScript.cpuUs());
    }
    System.out.printf(Locale.ROOT, "%nselection API / bare EVALSHA: %.2f   selection API / bare hello: %.2f%n",
      selection.rps() / evalsha.rps(), selection.rps() / hello.rps());
    System.out.println();
    System.out.println("durability  phase            req/s   p50 ms   p99 ms  changes  steps/call  lag p50/p99 ms");
    for (ModeResult m : modes) {
      for (LoadDriver.Result r : List.of(m.evalsha(), m.selection(), m.writeHeavy())) {
        Histogram lag = r == m.selection() ? m.selectionLag() : r == m.writeHeavy() ? m.writeLag() : null;
        Histogram steps = r == m.selection() ? m.selectionSteps() : r == m.writeHeavy() ? m.writeSteps() : null;
        System.out.printf(Locale.ROOT, "%-10s  %-14s %8.0f %8.2f %8.2f  %7s  %10s  %s%n", m.mode(),
          r.phase.replace(" " + m.mode(), ""), r.rps(), r.percentileMs(50), r.percentileMs(99),
          r == m.writeHeavy() ? Math.round(100 * m.writeShare()) + " %" : "",
          steps == null ? "" : String.format(Locale.ROOT, "%.1f", steps.getMean()),
          lag == null ? "" : lag.getValueAtPercentile(50) + " / " + lag.getValueAtPercentile(99));
      }
    }
    ModeResult memory = modes.get(0);
    for (ModeResult m : modes.subList(1, modes.size())) {
      System.out.printf(Locale.ROOT, "write-heavy %s / %s: %.2f;  %s write-heavy p99 / its bare EVALSHA p99: %.2f%n",
        m.mode(), memory.mode(), m.writeHeavy().rps() / memory.writeHeavy().rps(), m.mode(),
        m.writeHeavy().percentileMs(99) / m.evalsha().percentileMs(99));
    }
    System.out.println("outcomes of the stampede mix:");
    mix.outcomeCounts().forEach((k, v) -> System.out.printf("  %-32s %,10d%n", k, v));
    System.out.printf("invariant violations: %d%s%n", violations.size(),
      violations.isEmpty() ? "" : " — " + violations.subList(0, Math.min(5, violations.size())));
    System.out.printf("blocked-thread warnings: %d    heap max: %d MB in use, %d MB after collections%n",
      blockedThreadWarnings, heapMaxMb, heapAfterGcMaxMb);
  }

  void writeJson(Path file) throws IOException {
    write(file, json().encodePrettily());
  }

  void writeHtml(Path file) throws IOException {
    JsonObject figures = json();
    String page = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>xuanke benchmark</title>
      <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2937}table{border-collapse:collapse}
      td,th{padding:.3rem .8rem;border-bottom:1px solid #e5e7eb;text-align:right}th:first-child,td:first-child{text-align:left}
      svg{background:#f9fafb;border:1px solid #e5e7eb;margin:1rem 0}</style></head><body>
      <h1>xuanke benchmark</h1>
      <p>%s</p>
      <table><tr><th>phase</th><th>req/s</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th></tr>%s</table>
      <p>selection API / bare EVALSHA: <b>%s</b> · selection API / bare hello: <b>%s</b> ·
      invariant violations: <b>%d</b> · blocked-thread warnings: <b>%d</b> · heap max: <b>%d MB</b></p>
      <h2>Latency by percentile</h2>%s
      <h2>Throughput over time</h2>%s
      <details><summary>All figures (JSON)</summary><pre>%s</pre></details>
      </body></html>
      """.formatted(escape(figures.getJsonObject("options").encode()), rows(), figures.getValue("ratio.evalsha"),
      figures.getValue("ratio.hello"), violations.size(), blockedThreadWarnings, heapMaxMb, percentilePlot(),
      throughputPlot(), escape(figures.encodePrettily()));
    write(file, page);
  }

  private String rows() {
    StringBuilder out = new StringBuilder();
    for (LoadDriver.Result r : List.of(hello, evalsha, selection, mix)) {
      out.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.0f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td></tr>",
        r.phase, r.rps(), r.percentileMs(50), r.percentileMs(90), r.percentileMs(99), r.percentileMs(99.9)));
    }
    return out.toString();
  }

  /** Latency (log ms) against percentile on HdrHistogram's usual 1/(1-p) axis. */
  private String percentilePlot() {
    int width = 720;
    int height = 320;
    double maxMs = Math.max(1, selection.percentileMs(100));
    StringBuilder svg = new StringBuilder("<svg width=\"" + width + "\" height=\"" + height + "\">");
    String[] colours = {"#9ca3af", "#f59e0b", "#1d4ed8", "#059669"};
    List<LoadDriver.Result> results = List.of(hello, evalsha, selection, mix);
    for (int i = 0; i < results.size(); i++) {
      StringBuilder points = new StringBuilder();
      for (double p : PERCENTILES) {
        double x = 40 + (width - 60) * Math.log10(1 / (1 - Math.min(p, 99.99) / 100)) / 4;
        double ms = Math.max(0.01, results.get(i).percentileMs(p));
        double y = height - 30 - (height - 50) * (Math.log10(ms) + 2) / (Math.log10(maxMs) + 2.01);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colours[i]).append("\" points=\"")
        .append(points).append("\"/>")
        .append("<text x=\"50\" y=\"").append(20 + 16 * i).append("\" fill=\"").append(colours[i]).append("\">")
        .append(results.get(i).phase).append("</text>");
    }
    String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%"};
    for (int k = 0; k < labels.length; k++) {
      svg.append("<text x=\"").append(40 + (width - 60) * k / 4).append("\" y=\"").append(height - 8)
        .append("\" font-size=\"12\">").append(labels[k]).append("</text>");
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"12\">max %.1f ms (log scale)</text>",
      width - 200, maxMs));
    return svg.append("</svg>").toString();
  }

  private String throughputPlot() {
    int width = 720;
    int height = 240;
    List<LoadDriver.Result> results = List.of(hello, evalsha, selection, mix);
    long max = 1;
    for (LoadDriver.Result r : results) for (int s = 0; s < r.perSecond.length(); s++) max = Math.max(max, r.perSecond.get(s));
    StringBuilder svg = new StringBuilder("<svg width=\"" + width + "\" height=\"" + height + "\">");
    String[] colours = {"#9ca3af", "#f59e0b", "#1d4ed8", "#059669"};
    for (int i = 0; i < results.size(); i++) {
      LoadDriver.Result r = results.get(i);
      int seconds = Math.max(1, (int) Math.floor(r.seconds));
      StringBuilder points = new StringBuilder();
      for (int s = 0; s < seconds; s++) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", 40 + (width - 60.0) * s / Math.max(1, seconds - 1),
          height - 20 - (height - 40.0) * r.perSecond.get(s) / max));
      }
      svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colours[i]).append("\" points=\"")
        .append(points).append("\"/>");
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"45\" y=\"15\" font-size=\"12\">%,d req/s</text>", max));
    return svg.append("</svg>").toString();
  }

  private static double ms(Histogram h, double p) {
    return h.getValueAtPercentile(p) / 1000.0;
  }

  private static double round(double v) {
    return Math.round(v);
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static void write(Path file, String text) throws IOException {
    if (file.getParent() != null) Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
