package edu.xuanke.auth;

import java.security.SecureRandom;

/**
 * Passwords the service makes up for a student (new accounts, resets), shown once and to be
 * replaced at the first login. Fourteen characters from a 32-letter alphabet without look-alikes
 * carry 70 bits of chance, which no offline guessing gets through, so their hashes need no key
 * stretching: a low cost lets a 50,000-student import hash them in seconds, not hours.
 */
public final class OneTimePasswords {

  public static final int ITERATIONS = 1_000;
  private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789AB".toCharArray();
  private static final int LENGTH = 14;
  private static final SecureRandom RANDOM = new SecureRandom();

  private OneTimePasswords() {
  }

  public static String generate() {
    char[] out = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    return new String(out);
  }

  /** Blocking: for worker threads. */
  public static String hash(String oneTimePassword) {
    return PasswordHasher.hashNow(oneTimePassword, ITERATIONS);
  }
}
