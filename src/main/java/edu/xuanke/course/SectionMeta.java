package edu.xuanke.course;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * What the selection scripts know of a section, as one field of the term's {@code sec} hash. Both
 * the loader (MySQL → Redis) and the catalog editor (an admin's edit of a live term) write it
 * through {@link #encode}; lua/lib.lua's {@code parse_meta} is the only reader.
 *
 * <p>Layout: {@code capacity|course|weekday|startMin|endMin|periodStart|periodEnd|prefixes}, with
 * "%" and "|" in the course code and the prefixes escaped as %25 and %7C, so no value can shift the
 * fields after it (a course code "PIPE|1" once made every student RESTRICTED). The scripts compare
 * course codes only with each other and prefixes only with student ids (letters and digits), so
 * they never unescape: the parse costs what it did before. Codes and prefixes are also held to
 * {@link #COURSE_CODE} and {@link #PREFIXES} when an admin saves them.
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
    return capacity + "|" + escaped(courseCode) + "|" + weekday + "|" + minutes(start) + "|" + minutes(end)
      + "|" + basicDate(periodStart) + "|" + basicDate(periodEnd) + "|" + escaped(allowedPrefixes);
  }

  private static String escaped(String value) {
    return value.replace("%", "%25").replace("|", "%7C");
  }

  private static int minutes(LocalTime t) { return t.getHour() * 60 + t.getMinute(); }

  private static String basicDate(LocalDate d) { return DateTimeFormatter.BASIC_ISO_DATE.format(d); }
}
