package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the fields of an admin's input, collecting one reason per bad field; {@link #check}
 * then fails with VALIDATION_FAILED and {"fields": {name: reason}} if any was bad. The static
 * {@link #details} and {@link #invalid} build that body wherever one field is refused.
 */
public final class Fields {

  private final JsonObject input;
  private final JsonObject errors = new JsonObject();

  public Fields(JsonObject input) {
    this.input = input;
  }

  public String text(String name, int maxLength, boolean required) {
    Object value = input.getValue(name);
    if (value == null) value = "";
    if (!(value instanceof String s)) return reject(name, "NOT_A_STRING", "");
    String trimmed = s.trim();
    if (required && trimmed.isEmpty()) return reject(name, "REQUIRED", "");
    if (trimmed.length() > maxLength) return reject(name, "TOO_LONG", "");
    return trimmed;
  }

  /** Text that must match {@code pattern} as a whole (an identifier's alphabet): INVALID_CHARACTERS otherwise. */
  public String matching(String name, java.util.regex.Pattern pattern, int maxLength, boolean required) {
    String value = text(name, maxLength, required);
    if (errors.containsKey(name) || pattern.matcher(value).matches()) return value;
    return reject(name, "INVALID_CHARACTERS", value);
  }

  public int integer(String name, int min, int max) {
    Object value = input.getValue(name);
    if (value == null) return reject(name, "REQUIRED", 0);
    if (!(value instanceof Number n) || n.doubleValue() != n.longValue()) return reject(name, "NOT_AN_INTEGER", 0);
    if (n.longValue() < min || n.longValue() > max) return reject(name, "OUT_OF_RANGE", 0);
    return n.intValue();
  }

  public long id(String name) {
    Object value = input.getValue(name);
    if (value instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() > 0) return n.longValue();
    return reject(name, value == null ? "REQUIRED" : "NOT_AN_ID", 0L);
  }

  public boolean bool(String name) {
    Object value = input.getValue(name);
    if (value instanceof Boolean b) return b;
    return reject(name, value == null ? "REQUIRED" : "NOT_A_BOOLEAN", false);
  }

  public String oneOf(String name, Set<String> allowed) {
    Object value = input.getValue(name);
    if (value instanceof String s && allowed.contains(s)) return s;
    return reject(name, value == null ? "REQUIRED" : "UNKNOWN_VALUE", "");
  }

  public OffsetDateTime instant(String name) {
    return parsed(name, OffsetDateTime::parse);
  }

  public LocalDate date(String name) {
    return parsed(name, LocalDate::parse);
  }

  public LocalTime time(String name) {
    return parsed(name, LocalTime::parse);
  }

  /** A string field read by {@code parser}; null (and the field recorded) when missing or malformed. */
  private <T> T parsed(String name, Function<String, T> parser) {
    Object value = input.getValue(name);
    if (!(value instanceof String s)) return reject(name, value == null ? "REQUIRED" : "NOT_A_STRING", null);
    try {
      return parser.apply(s);
    } catch (DateTimeParseException e) {
      return reject(name, "INVALID_FORMAT", null);
    }
  }

  /** Records that {@code name} must come after the field it was compared with. */
  public void after(String name, boolean ok) {
    if (!ok && !errors.containsKey(name)) errors.put(name, "NOT_AFTER_START");
  }

  public <T> T reject(String name, String reason, T placeholder) {
    if (!errors.containsKey(name)) errors.put(name, reason);
    return placeholder;
  }

  public boolean valid() {
    return errors.isEmpty();
  }

  /** A failed future when a field was bad, else null. */
  public <T> Future<T> check() {
    return errors.isEmpty() ? null : ErrorCode.VALIDATION_FAILED.fail(details(errors));
  }

  /** An error's details naming bad fields: {"fields": {name: reason}}. */
  public static JsonObject details(JsonObject reasons) {
    return new JsonObject().put("fields", reasons);
  }

  /** An error's details naming one bad field: {"fields": {name: reason}}. */
  public static JsonObject details(String field, String reason) {
    return details(new JsonObject().put(field, reason));
  }

  /** VALIDATION_FAILED naming one bad field. */
  public static <T> Future<T> invalid(String field, String reason) {
    return ErrorCode.VALIDATION_FAILED.fail(details(field, reason));
  }
}
