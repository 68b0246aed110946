package edu.xuanke.auth.impl;

import edu.xuanke.core.PlainText;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a complete, valid profile is; every problem is reported per field. Every field is a single
 * line: a control, bidi or other invisible formatting character (CR, LF, tab, NUL, U+202E, …)
 * inside a field is refused as INVALID_CHARACTERS rather than stripped, so what is stored is what
 * the student typed (leading and trailing white space and controls are trimmed, as always).
 */
final class ProfileRules {

  static final List<String> FIELDS = List.of("name", "gender", "className", "major", "college", "email", "phone");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}$");
  private static final int MAX_LENGTH = 100;

  private final Set<String> colleges;
  private final Pattern phone;

  ProfileRules(List<String> colleges, String phonePattern) {
    this.colleges = Set.copyOf(colleges);
    this.phone = Pattern.compile(phonePattern);
  }

  /** Field → error code; empty when the profile is valid. */
  JsonObject problems(JsonObject profile) {
    JsonObject fields = new JsonObject();
    for (String field : FIELDS) {
      Object value = profile.getValue(field);
      if (!(value instanceof String text) || text.isBlank()) {
        fields.put(field, value == null || value instanceof String ? "REQUIRED" : "INVALID_FORMAT");
        continue;
      }
      String problem = !PlainText.singleLine(text.trim()) ? "INVALID_CHARACTERS" : switch (field) {
        case "gender" -> text.equals("M") || text.equals("F") ? null : "NOT_IN_LIST";
        case "college" -> colleges.contains(text) ? null : "NOT_IN_LIST";
        case "email" -> text.length() <= 254 && EMAIL.matcher(text).matches() ? null : "INVALID_FORMAT";
        case "phone" -> phone.matcher(text).matches() ? null : "INVALID_FORMAT";
        default -> text.length() <= MAX_LENGTH ? null : "TOO_LONG";
      };
      if (problem != null) fields.put(field, problem);
    }
    return fields;
  }
}
