package edu.xuanke.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every spelling of one id has one canonical form; anything else is not an id. */
class LoginIdsUnitTest {

  @Test
  void caseWidthAndPaddingFoldIntoOneId() {
    for (String typed : List.of("S0160", "s0160", "S0160 ", "  S0160\t", "ｓ0160", "Ｓ0160", "Ｓ０１６０", "\u3000S0160\u3000")) {
      assertEquals("S0160", LoginIds.canonical(typed), typed);
    }
    for (String typed : List.of("admin", "ADMIN", "Admin", "admin ", "ａｄｍｉｎ", "ＡＤＭＩＮ")) {
      assertEquals("ADMIN", LoginIds.canonical(typed), typed);
    }
    assertEquals("2021001", LoginIds.canonical("２０２１００１"));
  }

  @Test
  void idsOutsideTheAlphabetAreRefused() {
    for (String typed : List.of("", "   ", "S 0160", "S0160;", "S0160\u0000", "S0160\u202E", "Ü0160", "S-0160", "S_0160",
      "s0160'--", "学号", "S".repeat(33), "ß0160", "\u0130STANBUL")) {
      assertNull(LoginIds.canonical(typed), typed);
    }
    assertNull(LoginIds.canonical(null));
    assertEquals("S".repeat(32), LoginIds.canonical("s".repeat(32)), "32 characters, the column's width");
  }

  @Test
  void aStoredIdIsCountedUnderItsCanonicalForm() {
    assertEquals("OFFICE", LoginIds.counted("office"));
    assertEquals("legacy id", LoginIds.counted("legacy id"), "an id stored before normalisation keeps its own counter");
  }
}
