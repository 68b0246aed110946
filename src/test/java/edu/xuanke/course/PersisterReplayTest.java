package edu.xuanke.course;

import edu.xuanke.core.StreamReader;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The persister's batches against real MariaDB, without the service: a batch written again
 * (a crash between commit and acknowledgement) changes nothing, and an event older than the one
 * a row already has (two consumers' batches committing out of order) does not overwrite it; a
 * batch large enough to be written in parallel parts stores all of it.
 */
class PersisterReplayTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private Persister persister;
  private long held, waited;
  private String student;
  private long generation;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    held = term.section("P1", 5, 1, "08:00", "10:00");
    waited = term.section("P2", 1, 2, "08:00", "10:00");
    student = term.students("R", 1).get(0);
    generation = term.liveGeneration();
    persister = new Persister(service.vertx, service.mysql, new TermKeys(term.id), new PersistedMarks(service.vertx));
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  @Test
  void anOlderEventAfterANewerOneAndAReplayedBatchChangeNothing() {
    StreamReader.Entry enroll = event("1700000001000-0", "ENROLL", held, 0);
    StreamReader.Entry drop = event("1700000002000-0", "DROP", held, 0);
    StreamReader.Entry waitlist = event("1700000003000-0", "WAITLIST", waited, 7);
    StreamReader.Entry promote = event("1700000004000-0", "PROMOTE", waited, 7);

    // The newer event of each pair commits first (another consumer's batch), the older one after it.
    persister.write(List.of(drop)).await();
    persister.write(List.of(enroll)).await();
    persister.write(List.of(promote)).await();
    persister.write(List.of(waitlist)).await();
    List<String> enrollments = rows("SELECT section_id, state, last_event FROM enrollments WHERE student_id = ? ORDER BY section_id");
    List<String> waitlistRows = rows("SELECT section_id, state, seq, last_event FROM waitlist_entries WHERE student_id = ?");
    assertEquals(List.of(held + "|DROPPED|" + Persister.sortableId(drop.id()),
      waited + "|ENROLLED|" + Persister.sortableId(promote.id())), enrollments);
    assertEquals(List.of(waited + "|PROMOTED|7|" + Persister.sortableId(promote.id())), waitlistRows);

    // The whole stream again, as after a crash before the acknowledgement.
    persister.write(List.of(enroll, drop, waitlist, promote)).await();

    assertEquals(enrollments, rows("SELECT section_id, state, last_event FROM enrollments WHERE student_id = ? ORDER BY section_id"));
    assertEquals(waitlistRows, rows("SELECT section_id, state, seq, last_event FROM waitlist_entries WHERE student_id = ?"));
    assertEquals(List.of("4"), rows("SELECT COUNT(*) FROM selection_events WHERE student_id = ?"));
  }

  @Test
  void aBatchWrittenInPartsStoresEveryEventAndAReplayChangesNothing() throws Exception {
    List<String> students = term.students("B", 400);
    List<StreamReader.Entry> batch = new ArrayList<>();
    for (int i = 0; i < students.size(); i++) {
      String s = students.get(i);
      batch.add(event(s, (1700000010000L + i) + "-0", "ENROLL", held, 0));
      batch.add(event(s, (1700000020000L + i) + "-0", "DROP", held, 0));
      batch.add(event(s, (1700000030000L + i) + "-0", "ENROLL", waited, 0));
    }
    // 1,200 events: more than one statement's rows, so the batch goes to MySQL in parallel parts.
    // Newest first: whatever part and order an event lands in, the newest per row wins.
    Collections.reverse(batch);
    persister.write(batch).await();

    String counts = "SELECT (SELECT COUNT(*) FROM selection_events WHERE student_id LIKE 'B%'),"
      + " (SELECT COUNT(*) FROM enrollments WHERE student_id LIKE 'B%' AND section_id = ? AND state = 'DROPPED'),"
      + " (SELECT COUNT(*) FROM enrollments WHERE student_id LIKE 'B%' AND section_id = ? AND state = 'ENROLLED')";
    List<String> expected = List.of("1200|400|400");
    assertEquals(expected, fixture.rows(counts, held, waited));
    persister.write(batch).await();
    assertEquals(expected, fixture.rows(counts, held, waited));
  }

  private List<String> rows(String sql) {
    return fixture.rows(sql, student);
  }

  private StreamReader.Entry event(String id, String type, long section, long seq) {
    return event(student, id, type, section, seq);
  }

  private StreamReader.Entry event(String of, String id, String type, long section, long seq) {
    return PersisterEvents.entry(id, type, of, section, seq, generation);
  }
}
