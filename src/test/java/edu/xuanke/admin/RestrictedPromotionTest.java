package edu.xuanke.admin;

import edu.xuanke.course.TermKeys;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Promotion respects the section's restriction as it is now: an admin who restricts a section and
 * raises its capacity in one edit does not hand seats to waitlisted students it now excludes.
 */
class RestrictedPromotionTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long section;
  private List<String> excluded;
  private List<String> admitted;
  private String admin;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    section = term.section("RP", 1, 1, "08:00", "10:00");
    excluded = term.students("XA", 2);
    admitted = term.students("OK", 1);
    fixture.admin("office");
    service.start();
    admin = service.login("office");
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  @Test
  void aRaiseWithANewRestrictionSkipsTheExcludedHeads() {
    assertEquals(201, service.select(service.login(excluded.get(0)), section, false).await().statusCode());
    assertEquals(202, service.select(service.login(excluded.get(1)), section, true).await().statusCode());
    assertEquals(202, service.select(service.login(admitted.get(0)), section, true).await().statusCode());

    HttpResponse<Buffer> raised = service.http.put("/api/admin/sections/" + section).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("capacity", 3).put("allowedPrefixes", "OK")).await();

    assertEquals(200, raised.statusCode(), raised.bodyAsString());
    assertEquals(new JsonArray().add(admitted.get(0)), raised.bodyAsJsonObject().getJsonArray("promoted"));
    TermKeys keys = new TermKeys(term.id);
    assertEquals(0L, service.redis.zcard(keys.waitlist(section)).await().toLong(), "the excluded head left the list");
    assertEquals("1", service.redis.hget(keys.seats(), Long.toString(section)).await().toString());
    assertEquals(List.of(), service.audit(term.id));
    assertEquals(List.of(excluded.get(1) + "|SKIPPED", admitted.get(0) + "|PROMOTED"),
      fixture.rows("SELECT student_id, state FROM waitlist_entries WHERE section_id = ? ORDER BY seq", section));
  }
}
