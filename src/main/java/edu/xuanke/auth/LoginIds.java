package edu.xuanke.auth;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Login ids (student ids and admin usernames) as typed and as kept. An id is case-insensitive,
 * as the accounts table's collation has always compared it; its canonical form is NFKC-normalised
 * (full-width letters and digits become ASCII), trimmed and upper-cased. The canonical form is
 * what the lockout counts, what the lookup asks for and what an import or an admin stores, so
 * {@code s0160}, {@code S0160 }, {@code ｓ0160} and {@code Ｓ０１６０} are one account with one
 * lock. After normalising, an id is 1–32 ASCII letters and digits; anything else is refused
 * before any lookup or password hash.
 */
public final class LoginIds {

  /** The width of accounts.student_id. */
  public static final int MAX_LENGTH = 32;
  private static final Pattern ALPHABET = Pattern.compile("[A-Za-z0-9]{1," + MAX_LENGTH + "}");

  private LoginIds() {
  }

  /** The canonical form of a typed id, or null when it is not an id at all. */
  public static String canonical(String typed) {
    if (typed == null) return null;
    String folded = Normalizer.normalize(typed, Normalizer.Form.NFKC).strip();
    return ALPHABET.matcher(folded).matches() ? folded.toUpperCase(Locale.ROOT) : null;
  }

  /**
   * The form the lockout counts for an id already kept (a session's subject): its canonical form,
   * or the id itself for an account stored before ids were normalised and outside the alphabet.
   */
  public static String counted(String storedId) {
    String canonical = canonical(storedId);
    return canonical == null ? storedId : canonical;
  }
}
