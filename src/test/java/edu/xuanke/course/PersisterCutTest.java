package edu.xuanke.course;

import edu.xuanke.core.AppConfig;
import edu.xuanke.core.Stores;
import edu.xuanke.core.StreamReader;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TcpProxy;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The persister's MySQL connection dropped while a batch is being written (through a TCP relay
 * that is cut at a random moment): the write ends, failed or committed, instead of waiting
 * forever, and writing every batch again afterwards stores each event once. A write that never
 * ends stops the term's persister for good (the reader waits for it before it reads again); on
 * the persister's pipelined pool, {@code Pool.withTransaction} did exactly that with
 * vertx-mysql-client 5.0.8 (see Persister.inTransaction).
 */
class PersisterCutTest {

  private static final int ROUNDS = 12;
  private static final int EVENTS_PER_BATCH = 1_200;

  private Service service;
  private Fixture fixture;
  private Vertx proxies;
  private Pool relayed;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    proxies = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (relayed != null) relayed.close();
    proxies.close().await();
    service.close();
    fixture.close();
  }

  @Test
  void aBatchCutMidWriteEndsAndIsStoredOnceWhenWrittenAgain() throws Exception {
    Fixture.Term term = fixture.openTerm(3);
    long section = term.section("C1", 5_000, 1, "08:00", "10:00");
    List<String> students = term.students("K", EVENTS_PER_BATCH);
    long generation = term.liveGeneration();
    TcpProxy mysql = new TcpProxy(proxies, 3306).start();
    relayed = Stores.persisterMysql(service.vertx, new AppConfig(TestConfig.json().put("mysqlPort", mysql.port)));
    Persister persister = new Persister(service.vertx, relayed, new TermKeys(term.id), new PersistedMarks(service.vertx));

    List<List<StreamReader.Entry>> batches = new ArrayList<>();
    int cutMidWrite = 0;
    for (int round = 0; round < ROUNDS; round++) {
      List<StreamReader.Entry> batch = batch(round, students, section, generation);
      batches.add(batch);
      // Both of the pool's connections open first, so the cut finds statements in flight, not a handshake.
      Future.all(relayed.query("SELECT SLEEP(0.05)").execute(), relayed.query("SELECT SLEEP(0.05)").execute()).await();
      Future<Void> write = persister.write(batch);
      Thread.sleep(ThreadLocalRandom.current().nextInt(30));
      mysql.cut();
      try {
        write.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (TimeoutException hung) {
        fail("round " + round + ": the write cut mid-batch never ended");
      } catch (Exception failed) {
        // Failed by the cut: the reader would write the batch again.
        cutMidWrite++;
      }
      mysql.start();
    }
    assertTrue(cutMidWrite >= ROUNDS / 2, "the cut should find most writes in flight, found " + cutMidWrite);

    for (List<StreamReader.Entry> batch : batches) persister.write(batch).await();
    assertEquals(List.of(Integer.toString(ROUNDS * EVENTS_PER_BATCH)),
      fixture.rows("SELECT COUNT(*) FROM selection_events WHERE term_id = ?", term.id));
    // Each round enrolls every student and the next drops them: the last round's state wins.
    String last = ROUNDS % 2 == 1 ? "ENROLLED" : "DROPPED";
    assertEquals(List.of(EVENTS_PER_BATCH + "|" + last),
      fixture.rows("SELECT COUNT(*), MIN(state) FROM enrollments WHERE section_id = ? GROUP BY state", section));
  }

  /** One event per student, enrolling in even rounds and dropping in odd ones, ids increasing by round. */
  private static List<StreamReader.Entry> batch(int round, List<String> students, long section, long generation) {
    List<StreamReader.Entry> batch = new ArrayList<>();
    for (int i = 0; i < students.size(); i++) {
      String id = (1700000000000L + round * 10_000L + i) + "-0";
      batch.add(PersisterEvents.entry(id, round % 2 == 0 ? "ENROLL" : "DROP", students.get(i), section, 0, generation));
    }
    return batch;
  }
}
