package edu.xuanke.core;

import java.util.regex.Pattern;

/**
 * Phone numbers as people type them: "138 0013 8000", "138-0013-8000", "+86 138 0013 8000" and
 * "0086…" are all the number 13800138000. Normalised before validation and storage, so the
 * profile form and imports accept what a student or a spreadsheet naturally holds. Only visible
 * separators go: a tab or line break stays, so the field is refused as INVALID_CHARACTERS.
 */
public final class Phones {

  private static final Pattern SEPARATORS = Pattern.compile("[ \\u00a0\\u3000()（）.\\-－—]");

  private Phones() {
  }

  public static String normalise(String typed) {
    if (typed == null) return null;
    String digits = SEPARATORS.matcher(typed.trim()).replaceAll("");
    if (digits.startsWith("+86")) return digits.substring(3);
    if (digits.startsWith("0086")) return digits.substring(4);
    return digits;
  }
}
