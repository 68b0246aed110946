package edu.xuanke.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A CSRF token belongs to one session (or pre-session) and one secret. */
class CsrfUnitTest {

  private final Csrf csrf = new Csrf("secret-one-that-is-long-enough-0123456789", new SessionCookie(false));

  @Test
  void theTokenOfABindingMatchesOnlyThatBinding() {
    String token = csrf.tokenFor("session:abc");
    assertEquals(token, csrf.tokenFor("session:abc"), "stateless: the same on every instance");
    assertTrue(csrf.matches("session:abc", token));
    assertFalse(csrf.matches("session:abd", token), "another session");
    assertFalse(csrf.matches("pre:abc", token), "a pre-session token does not pass for a session");
    assertFalse(csrf.matches("session:abc", token.substring(1)));
    assertFalse(csrf.matches("session:abc", token + "A"));
    assertFalse(csrf.matches("session:abc", null));
    assertFalse(csrf.matches(null, token), "no binding, no token");
  }

  @Test
  void anotherSecretMakesOtherTokens() {
    Csrf other = new Csrf("secret-two-that-is-long-enough-0123456789", new SessionCookie(false));
    assertNotEquals(csrf.tokenFor("session:abc"), other.tokenFor("session:abc"));
    assertFalse(other.matches("session:abc", csrf.tokenFor("session:abc")));
  }
}
