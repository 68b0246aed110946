package edu.xuanke.auth.impl;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a valid profile is, field by field. */
class ProfileRulesUnitTest {

  private final ProfileRules rules = new ProfileRules(List.of("理学院", "海洋学院"), "^1[3-9]\\d{9}$");

  private static JsonObject valid() {
    return new JsonObject().put("name", "张三").put("gender", "F").put("className", "计算机2301")
      .put("major", "计算机科学与技术").put("college", "理学院").put("email", "zhang@example.edu.cn").put("phone", "13912345678");
  }

  @Test
  void aCompleteProfileHasNoProblems() {
    assertTrue(rules.problems(valid()).isEmpty());
    assertTrue(rules.problems(valid().put("name", "  张三\n")).isEmpty(), "surrounding white space is trimmed when saved");
  }

  @Test
  void eachBadFieldIsNamed() {
    JsonObject bad = valid().put("gender", "X").put("college", "不存在学院").put("email", "not-an-email")
      .put("phone", "12345").put("major", "x".repeat(101)).put("className", 7);
    bad.remove("name");
    assertEquals(new JsonObject().put("name", "REQUIRED").put("gender", "NOT_IN_LIST").put("className", "INVALID_FORMAT")
      .put("major", "TOO_LONG").put("college", "NOT_IN_LIST").put("email", "INVALID_FORMAT").put("phone", "INVALID_FORMAT"),
      rules.problems(bad));
  }

  @Test
  void controlAndBidiCharactersInsideAFieldAreRefused() {
    for (String sneaky : List.of("张\r\n三", "张\n三", "张\u0000三", "张\t三", "\u202E三张", "张\u2066三", "张\u200B三", "张\u2028三",
      "张\uFEFF三", "张\uD800三")) {
      assertEquals(new JsonObject().put("name", "INVALID_CHARACTERS"), rules.problems(valid().put("name", sneaky)),
        sneaky.codePoints().mapToObj(Integer::toHexString).toList().toString());
    }
    assertEquals("INVALID_CHARACTERS", rules.problems(valid().put("email", "a\u202E@example.edu.cn")).getString("email"));
    assertEquals("INVALID_CHARACTERS", rules.problems(valid().put("className", "计算机\r2301")).getString("className"));
    assertTrue(rules.problems(valid().put("name", "Zoë O'Brien-李")).isEmpty(), "letters of any script are fine");
  }
}
