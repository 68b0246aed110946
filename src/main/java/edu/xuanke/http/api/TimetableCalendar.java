package edu.xuanke.http.api;

import edu.xuanke.course.SelectionService;
import edu.xuanke.http.TokenAuth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;

/**
 * GET /api/selections.ics: the student's held sections as an iCalendar (RFC 5545) file, one
 * weekly event per section from its period's first matching weekday until the period's end.
 * Times are written in UTC, converted from the school's time zone.
 */
public final class TimetableCalendar {

  private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final SelectionService selection;
  private final ZoneId zone;

  public TimetableCalendar(SelectionService selection, ZoneId zone) {
    this.selection = selection;
    this.zone = zone;
  }

  public void mount(Router router) {
    router.get("/api/selections.ics").handler(this::calendar);
  }

  private void calendar(RoutingContext ctx) {
    String studentId = TokenAuth.studentId(ctx);
    selection.selections(studentId)
      .onSuccess(held -> ctx.response()
        .putHeader("Content-Type", "text/calendar; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Content-Disposition", "attachment; filename=\"timetable.ics\"")
        .end(ics(studentId, held.getJsonArray("enrolled", new JsonArray()))))
      .onFailure(ctx::fail);
  }

  String ics(String studentId, JsonArray enrolled) {
    StringBuilder out = new StringBuilder();
    line(out, "BEGIN:VCALENDAR");
    line(out, "VERSION:2.0");
    line(out, "PRODID:-//xuanke//timetable//EN");
    line(out, "CALSCALE:GREGORIAN");
    String stamp = UTC.format(Instant.now());
    for (Object o : enrolled) {
      JsonObject s = (JsonObject) o;
      LocalDate first = LocalDate.parse(s.getString("periodStartsOn"))
        .with(TemporalAdjusters.nextOrSame(DayOfWeek.of(s.getInteger("weekday"))));
      Instant start = first.atTime(LocalTime.parse(s.getString("startTime"))).atZone(zone).toInstant();
      Instant end = first.atTime(LocalTime.parse(s.getString("endTime"))).atZone(zone).toInstant();
      Instant until = LocalDate.parse(s.getString("periodEndsOn")).atTime(LocalTime.MAX).atZone(zone).toInstant();
      line(out, "BEGIN:VEVENT");
      line(out, "UID:section-" + s.getLong("id") + "-" + text(studentId) + "@xuanke");
      line(out, "DTSTAMP:" + stamp);
      line(out, "DTSTART:" + UTC.format(start));
      line(out, "DTEND:" + UTC.format(end));
      line(out, "RRULE:FREQ=WEEKLY;UNTIL=" + UTC.format(until));
      line(out, "SUMMARY:" + text(s.getString("courseTitle", "")));
      line(out, "LOCATION:" + text(s.getString("location", "")));
      line(out, "DESCRIPTION:" + text(s.getString("teacher", "") + (s.getString("assistant", "").isBlank() ? ""
        : " / " + s.getString("assistant"))));
      line(out, "END:VEVENT");
    }
    line(out, "END:VCALENDAR");
    return out.toString();
  }

  /** RFC 5545 TEXT escaping. */
  private static String text(String value) {
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r", "").replace("\n", "\\n");
  }

  /** Appends a content line folded at 75 octets (continuation lines start with a space). */
  private static void line(StringBuilder out, String content) {
    int octets = 0;
    for (int i = 0; i < content.length(); ) {
      int cp = content.codePointAt(i);
      int size = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (octets + size > 75) {
        out.append("\r\n ");
        octets = 1;
      }
      out.appendCodePoint(cp);
      octets += size;
      i += Character.charCount(cp);
    }
    out.append("\r\n");
  }
}
