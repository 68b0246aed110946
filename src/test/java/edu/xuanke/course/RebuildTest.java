package edu.xuanke.course;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A term whose Redis keys are gone is rebuilt from MySQL to the state it had. */
class RebuildTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long full, roomy;
  private List<String> tokens;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    full = term.section("F", 2, 1, "08:00", "10:00");
    roomy = term.section("R", 10, 2, "08:00", "10:00");
    term.section("EMPTY", 5, 3, "08:00", "10:00");
    List<String> students = term.students("B", 6);
    service.start();
    tokens = new ArrayList<>();
    for (String student : students) tokens.add(service.login(student));
    for (String token : tokens) service.select(token, full, true).await();   // 2 enrolled, 4 waiting
    for (String token : tokens.subList(0, 4)) service.select(token, roomy, false).await();
    service.drop(tokens.get(0), full).await();   // promotes the first waiting
    service.drop(tokens.get(4), full).await();   // leaves the waitlist
    service.drop(tokens.get(1), roomy).await();
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  /** Read by every selection, they must not be listpacks that each lookup scans (see TermLoader). */
  @Test
  void perSectionHashesAreHashTables() {
    TermKeys keys = new TermKeys(term.id);
    for (String key : List.of(keys.sections(), keys.seats(), keys.waitlistLengths())) {
      assertEquals("hashtable", service.redis.object(List.of("ENCODING", key)).await().toString(), key);
      assertFalse(service.redis.hkeys(key).await().stream().anyMatch(field -> field.toString().startsWith("~")), key);
    }
  }

  @Test
  void keysDeletedThenRestartGivesTheSameState() {
    Map<String, String> before = settledSnapshot();
    assertTrue(before.size() > 8, "the fixture built a real state: " + before.keySet());

    service.stop();
    deleteTermKeys();
    service.start();

    assertEquals(before, settledSnapshot());
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void keysDeletedWhileRunningAreRebuiltBeforeTheNextSelection() {
    Map<String, String> before = settledSnapshot();
    deleteTermKeys();

    // The next request finds the state missing, rebuilds it and then answers from it.
    assertEquals("ALREADY_ENROLLED", Service.errorCode(service.select(tokens.get(2), roomy, false).await()));
    assertEquals(before, settledSnapshot());
    assertEquals(201, service.select(tokens.get(5), roomy, false).await().statusCode());
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void eventsOfAReplacedStateAreLeftOut() {
    service.stop();
    deleteTermKeys();
    service.start();
    TermKeys keys = new TermKeys(term.id);
    String generation = service.redis.hget(keys.term(), "gen").await().toString();
    assertTrue(Long.parseLong(generation) >= 2, "each rebuild starts a generation: " + generation);
    // A batch read before Redis lost its data and written only now: its events are of the old state.
    service.redis.xadd(List.of(keys.events(), "*", "type", "ENROLL", "student", "B0006", "section", Long.toString(roomy),
      "at", Long.toString(System.currentTimeMillis()), "seq", "0", "gen", "1")).await();
    service.drain(term.id);
    assertEquals(List.of(), fixture.rows("SELECT student_id FROM enrollments WHERE student_id = 'B0006'"));
    assertEquals(List.of(), service.audit(term.id));
  }

  /** The term's state after the persister drained, without the generation (which a rebuild advances). */
  private Map<String, String> settledSnapshot() {
    service.drain(term.id);
    Map<String, String> snapshot = service.snapshot(term.id);
    snapshot.replaceAll((key, value) -> value.replaceAll("gen=\\d+, ", ""));
    return snapshot;
  }

  /**
   * Deletes the term's selection state. The sessions stay: they are not derived from MySQL
   * (after a real flush students log in again), and keeping them lets the tokens go on working.
   */
  private void deleteTermKeys() {
    TermKeys keys = new TermKeys(term.id);
    List<String> names = new ArrayList<>();
    service.redis.keys(keys.pattern()).await().forEach(k -> names.add(k.toString()));
    names.remove(keys.sessions());
    service.redis.del(names).await();
    assertEquals(1, service.redis.keys(keys.pattern()).await().size());
  }
}
