package edu.xuanke.demo;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The box of demo logins bin/run prints on every start. */
class DemoBannerUnitTest {

  @Test
  void aKnownPasswordIsShownForTheAdminAndTheStudentsInAClosedBox() {
    String banner = DemoData.banner(8080, "pw-123", false);
    List<String> lines = banner.lines().toList();
    assertTrue(lines.get(0).matches("\\+-+\\+"), banner);
    assertEquals(lines.get(0), lines.get(lines.size() - 1), banner);
    assertEquals(1, lines.stream().mapToInt(String::length).distinct().count(), "every line as wide as the box:\n" + banner);
    assertTrue(banner.contains("admin / pw-123"), banner);
    assertTrue(banner.contains("S0001 ... S0200 / pw-123"), banner);
    assertTrue(banner.contains("http://localhost:8080"), banner);
    assertTrue(banner.contains("written to this log"), "without SMTP it says where mails go: " + banner);
    assertFalse(banner.contains("XUANKE_DEMO_PASSWORD"), banner);
  }

  @Test
  void anUnknownPasswordSaysHowToChooseOne() {
    String banner = DemoData.banner(9090, "", true);
    assertTrue(banner.contains("XUANKE_DEMO_PASSWORD="), banner);
    assertFalse(banner.contains("written to this log"), "with SMTP, mails are not in the log: " + banner);
  }
}
