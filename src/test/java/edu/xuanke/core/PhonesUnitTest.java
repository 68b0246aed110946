package edu.xuanke.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PhonesUnitTest {

  @Test
  void spacesDashesAndTheCountryCodeAreDropped() {
    for (String typed : new String[] {"13800138000", " 138 0013 8000 ", "138-0013-8000", "+86 138 0013 8000",
        "+86-138-0013-8000", "0086 13800138000", "(+86) 138.0013.8000", "138　0013　8000"}) {
      assertEquals("13800138000", Phones.normalise(typed), typed);
    }
  }

  @Test
  void anythingElseIsLeftForTheValidation() {
    assertEquals("12345", Phones.normalise("12-345"));
    assertEquals("abc", Phones.normalise("abc"));
    assertEquals("", Phones.normalise("  "));
  }
}
