package edu.xuanke.course;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract between the Java side and the scripts, read from lua/lib.lua itself: the KEYS
 * layout its header documents is the one {@link TermKeys#scriptKeys} builds, and the section
 * metadata layout it documents is the one {@link SectionMeta#encode} writes and parse_meta reads.
 */
class ScriptLayoutUnitTest {

  private static final Pattern KEY_DOC = Pattern.compile("(?:^--|\\s)\\s*(\\d+) (\\w+) ");
  private static final Pattern META_DOC = Pattern.compile("--\\s+3 sec\\s+hash\\s+sectionId -> \"([^\"]+)\"");
  private static final Pattern PARSE_META = Pattern.compile(
    "local function parse_meta\\(s\\)\\s+local ([\\w, ]+) =\\s+string\\.match\\(s, '([^']+)'\\)");

  @Test
  void scriptKeysAreInTheDocumentedOrder() throws IOException {
    Map<Integer, String> documented = documentedKeys();
    assertEquals(12, documented.size(), "keys 1…12 documented: " + documented);
    List<String> keys = new TermKeys(42).scriptKeys(7);
    assertEquals(documented.size(), keys.size());
    documented.forEach((position, name) -> {
      String key = keys.get(position - 1);
      assertTrue(key.startsWith("xk:{t42}:"), key);
      String expected = position <= 10 ? ":" + name : ":" + name + ":7";
      assertTrue(key.endsWith(expected), "KEYS[" + position + "] is " + name + " in lib.lua, but " + key);
    });
    List<String> swap = new TermKeys(42).scriptKeys(7, 8);
    assertEquals(keys, swap.subList(0, 12));
    assertEquals(List.of("xk:{t42}:roster:8", "xk:{t42}:wl:8"), swap.subList(12, 14));
  }

  @Test
  void sectionMetaIsWrittenInTheLayoutTheScriptsParse() throws IOException {
    String lib = lib();
    Matcher doc = META_DOC.matcher(lib);
    assertTrue(doc.find(), "lib.lua documents the sec hash");
    List<String> fields = List.of(doc.group(1).split("\\|"));
    Matcher parse = PARSE_META.matcher(lib);
    assertTrue(parse.find(), "lib.lua has parse_meta");
    assertEquals(fields, List.of(parse.group(1).split(",\\s*")), "parse_meta captures the documented fields in order");
    assertEquals(fields.size(), parse.group(2).chars().filter(c -> c == '(').count(), "one capture per field");

    SectionMeta meta = new SectionMeta(37, "CS-101", 6, LocalTime.of(18, 45), LocalTime.of(21, 5),
      LocalDate.of(2026, 3, 2), LocalDate.of(2026, 6, 28), "S20 S21");
    Map<String, String> written = byName(fields, meta.encode());
    assertEquals(Map.of("capacity", "37", "course", "CS-101", "weekday", "6", "startMin", "1125", "endMin", "1265",
      "periodStart", "20260302", "periodEnd", "20260628", "prefixes", "S20 S21"), written);
  }

  /** The delimiter and the escape character in a value are escaped: the fields stay where they are. */
  @Test
  void noValueCanShiftTheFields() throws IOException {
    List<String> fields = List.of("capacity", "course", "weekday", "startMin", "endMin", "periodStart", "periodEnd",
      "prefixes");
    SectionMeta meta = new SectionMeta(5, "PIPE|1|%7C", 1, LocalTime.of(8, 0), LocalTime.of(10, 0),
      LocalDate.of(2026, 3, 2), LocalDate.of(2026, 6, 28), "A|B");
    Map<String, String> written = byName(fields, meta.encode());
    assertEquals("PIPE%7C1%7C%257C", written.get("course"));
    assertEquals("1", written.get("weekday"));
    assertEquals("A%7CB", written.get("prefixes"));
    // Escaping is one-to-one: two different codes never read as the same course.
    SectionMeta escapedLookalike = new SectionMeta(5, "PIPE%7C1%7C%257C", 1, LocalTime.of(8, 0), LocalTime.of(10, 0),
      LocalDate.of(2026, 3, 2), LocalDate.of(2026, 6, 28), "");
    assertTrue(!written.get("course").equals(byName(fields, escapedLookalike.encode()).get("course")));
  }

  private static Map<String, String> byName(List<String> fields, String encoded) {
    String[] parts = encoded.split("\\|", -1);
    assertEquals(fields.size(), parts.length, encoded);
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i++) out.put(fields.get(i), parts[i]);
    return out;
  }

  private static Map<Integer, String> documentedKeys() throws IOException {
    Map<Integer, String> out = new LinkedHashMap<>();
    List<String> header = new ArrayList<>();
    for (String line : lib().split("\n")) {
      if (!line.startsWith("--")) break;
      header.add(line);
    }
    for (String line : header) {
      Matcher m = KEY_DOC.matcher(line);
      while (m.find()) out.put(Integer.parseInt(m.group(1)), m.group(2));
    }
    return out;
  }

  private static String lib() throws IOException {
    try (InputStream in = ScriptLayoutUnitTest.class.getClassLoader().getResourceAsStream("lua/lib.lua")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
