package edu.xuanke.core;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Instants are stored in UTC and shown as ISO-8601 with the school's offset. */
public final class Times {

  private Times() {
  }

  public static String iso(Instant instant, ZoneId zone) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atZone(zone).toOffsetDateTime());
  }

  public static Instant fromUtc(LocalDateTime utc) {
    return utc.toInstant(ZoneOffset.UTC);
  }

  public static LocalDateTime toUtc(Instant instant) {
    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
