package edu.xuanke;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --help of the jar and of its two harnesses prints the usage and exits 0, starting nothing. */
class HelpIT {

  private static String run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("java", "-jar", System.getProperty("xuanke.jar", "target/xuanke.jar")));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", args) + " exits by itself");
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), out);
    return out;
  }

  @Test
  void helpPrintsTheUsageAndExits() throws Exception {
    assertTrue(run("--help").startsWith("usage: java -jar xuanke.jar"));
    assertTrue(run("bench", "--help").contains("--students N"));
    assertTrue(run("bench-admin", "--help").contains("IMPORT_ROWS"));
  }
}
