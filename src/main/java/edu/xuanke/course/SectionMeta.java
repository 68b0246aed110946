package edu.xuanke.course;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * What the selection scripts know of a section, as one field of the term's {@code sec} hash. Both
 * the loader (MySQL → Redis) and the catalog editor (an admin's edit of a live term) write it
 * through {@link #encode}; lua/lib.lua's {@code parse_meta} is the only reader.
 *
 * <p>Layout: {@code capacity|weekday|startMin|endMin|periodStart|periodEnd|courseLength|course prefixes}
 * — six numbers, the course code's length in bytes, then the code and the space-separated
 * prefixes back to back. The length, not a delimiter, ends the code, so no value can shift
 * the fields after it (a course code "PIPE|1" once made every student RESTRICTED). Codes and
 * prefixes are also held to {@link #COURSE_CODE} and {@link #PREFIXES} when an admin saves them.
 */
public record SectionMeta(int capacity, String courseCode, int weekday, LocalTime start, LocalTime end,
                          LocalDate periodStart, LocalDate periodEnd, String allowedPrefixes) {

  /**
   * The layout's version, written as the term's "ready" flag: a live state of an older layout
   * (Redis kept across an upgrade) counts as not ready and is rebuilt (lib.lua's META_LAYOUT).
   */
  public static final String LAYOUT = "2";
  /** A course code: letters, digits, and . _ - inside, at most 32. */
  public static final Pattern COURSE_CODE = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,31})");
  /** Student id prefixes (the student id alphabet), separated by spaces; empty = everyone. */
  public static final Pattern PREFIXES = Pattern.compile("(?:[A-Za-z0-9]{1,32}(?: +[A-Za-z0-9]{1,32})*)?");

  public String encode() {
    return capacity + "|" + weekday + "|" + minutes(start) + "|" + minutes(end) + "|" + basicDate(periodStart)
      + "|" + basicDate(periodEnd) + "|" + courseCode.getBytes(StandardCharsets.UTF_8).length + "|" + courseCode
      + allowedPrefixes;
  }

  private static int minutes(LocalTime t) { return t.getHour() * 60 + t.getMinute(); }

  private static String basicDate(LocalDate d) { return DateTimeFormatter.BASIC_ISO_DATE.format(d); }
}
