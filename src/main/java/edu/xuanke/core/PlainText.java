package edu.xuanke.core;

/** What a single-line text field (a name, a class, an email, a phone number) may hold. */
public final class PlainText {

  private PlainText() {
  }

  /**
   * Whether the text is free of control characters (CR, LF, tab, NUL, …), format characters (bidi
   * overrides such as U+202E, zero-width characters, the BOM), line and paragraph separators, lone
   * surrogates and private-use characters: what would break a CSV row or a log line, or make a
   * name display as something other than what is stored.
   */
  public static boolean singleLine(String text) {
    return text.codePoints().noneMatch(PlainText::hidden);
  }

  private static boolean hidden(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
           Character.SURROGATE, Character.PRIVATE_USE -> true;
      default -> false;
    };
  }
}
