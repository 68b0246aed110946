package edu.xuanke.course;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A term whose live state takes more Redis commands to rebuild than one connection lets wait for
 * replies (2,048) still loads, e.g. when an admin's import or a restart meets a big term.
 */
class LargeTermRebuildTest {

  private static final int STUDENTS = 3_000;

  private Service service;
  private Fixture fixture;

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  @Test
  void aTermWithThousandsOfEnrollmentsIsRebuilt() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    Fixture.Term term = fixture.openTerm(2);
    long big = term.section("BIG", STUDENTS + 10, 1, "08:00", "10:00");
    List<String> students = term.students("R", STUDENTS);
    fixture.execute("INSERT INTO enrollments (student_id, section_id, term_id, state, enrolled_at, last_event)"
      + " SELECT student_id, ?, ?, 'ENROLLED', NOW(3), LPAD(id, 24, '0') FROM accounts WHERE cohort_term_id = ?", big, term.id, term.id);

    service.start();

    TermKeys keys = new TermKeys(term.id);
    assertEquals((long) STUDENTS, service.redis.scard(keys.roster(big)).await().toLong());
    assertEquals("10", service.redis.hget(keys.seats(), Long.toString(big)).await().toString());
    assertEquals(409, service.select(service.login(students.get(0)), big, false).await().statusCode(), "already held");
    assertEquals(List.of(), service.audit(term.id));
  }
}
