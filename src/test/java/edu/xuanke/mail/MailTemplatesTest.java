package edu.xuanke.mail;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of mail renders in both languages, HTML escaped and plain text as written. */
class MailTemplatesTest {

  private final MailTemplates templates = new MailTemplates();
  private final Map<String, Object> params = Map.ofEntries(Map.entry("name", "<b>张三</b>"), Map.entry("code", "123456"),
    Map.entry("minutes", 2), Map.entry("studentId", "S0001"), Map.entry("link", "http://localhost:8080/activate?token=abc"),
    Map.entry("expiresAt", "2026-11-24T10:00:00+08:00"), Map.entry("courseTitle", "Python & 数据"), Map.entry("weekday", 3),
    Map.entry("startTime", "18:45"), Map.entry("endTime", "21:45"), Map.entry("location", "博学楼 101"),
    Map.entry("temporaryPassword", "Tmp-pass-9"),
    Map.entry("lines", List.of(Map.of("rank", "2", "courseTitle", "Python", "outcome", "SECTION_FULL", "drawNumber", "1432",
      "applicants", "2100"))));

  @Test
  void everyKindRendersInBothLanguages() {
    for (String kind : new String[] {"code", "activation", "promotion", "password_reset", "lottery_result"}) {
      MailTemplates.Rendered zh = templates.render(kind, "zh-CN", params);
      MailTemplates.Rendered en = templates.render(kind, "en", params);
      assertFalse(zh.subject().isBlank());
      assertFalse(zh.subject().equals(en.subject()), kind + " has both languages");
      assertTrue(zh.html().contains("<html lang=\"zh-CN\">"), kind);
      assertTrue(en.html().contains("<html lang=\"en\">"), kind);
      assertTrue(zh.html().contains("&lt;b&gt;张三&lt;/b&gt;"), kind + " escapes HTML");
      assertTrue(zh.text().contains("<b>张三</b>"), kind + " leaves plain text alone");
    }
  }

  @Test
  void contentOfEachKind() {
    assertTrue(templates.render("code", "en", params).text().contains("123456"));
    assertTrue(templates.render("activation", "en", params).text().contains("http://localhost:8080/activate?token=abc"));
    MailTemplates.Rendered promotion = templates.render("promotion", "zh-CN", params);
    assertEquals("候补成功：Python & 数据", promotion.subject());
    assertTrue(promotion.text().contains("星期3 18:45–21:45，博学楼 101"), promotion.text());
    assertTrue(promotion.html().contains("Python &amp; 数据"));
    MailTemplates.Rendered lottery = templates.render("lottery_result", "zh-CN", params);
    assertTrue(lottery.text().contains("第 2 志愿 Python：未中签，名额已满（抽签序号 1432 / 2100）"), lottery.text());
    MailTemplates.Rendered reset = templates.render("password_reset", "en", params);
    assertTrue(reset.text().contains("Ask the course office"), reset.text());
    assertFalse(reset.text().contains("Tmp-pass-9") || reset.html().contains("Tmp-pass-9"), "a password is never mailed");
  }
}
