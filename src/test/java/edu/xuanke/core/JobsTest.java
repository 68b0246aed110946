package edu.xuanke.core;

import edu.xuanke.support.Eventually;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job store's lease on the real Redis: a job whose node (here a whole Vert.x instance) stops
 * is reported FAILED, interrupted, once its lease runs out, and its lock is free again; a job whose
 * node lives stays RUNNING for as long as it runs, however long past its lease.
 */
class JobsTest {

  private static final long LEASE_MS = 900;

  private Vertx owner;
  private Vertx reader;
  private RedisAPI ownerRedis;
  private RedisAPI readerRedis;
  private String lock;

  @BeforeEach
  void setUp() {
    AppConfig config = new AppConfig(TestConfig.json());
    owner = Vertx.vertx();
    reader = Vertx.vertx();
    ownerRedis = RedisAPI.api(Redis.createClient(owner, config.redisUrl()));
    readerRedis = RedisAPI.api(Redis.createClient(reader, config.redisUrl()));
    lock = "xk:test:lock:" + UUID.randomUUID();
  }

  @AfterEach
  void tearDown() {
    readerRedis.del(List.of(lock)).await();
    reader.close().await();
    if (owner != null) owner.close().await();
  }

  @Test
  void aJobWhoseNodeStoppedIsInterruptedAndItsLockFreed() throws Exception {
    Jobs running = new Jobs(owner, ownerRedis, LEASE_MS);
    Jobs elsewhere = new Jobs(reader, readerRedis, LEASE_MS);
    String jobId = "test-" + UUID.randomUUID();
    assertTrue(running.start(jobId, "TEST", lock, "roundId", "7").await());
    assertFalse(elsewhere.start("test-" + UUID.randomUUID(), "TEST", lock).await(), "the lock is held");
    running.add(jobId, "done", 3).await();

    // Alive: the heartbeat keeps it RUNNING well past one lease.
    Thread.sleep(3 * LEASE_MS);
    assertEquals(Jobs.RUNNING, elsewhere.get(jobId).await().get("state"));
    assertEquals(jobId, elsewhere.holder(lock).await());

    owner.close().await();
    owner = null;
    Eventually.holds(() -> Jobs.FAILED.equals(elsewhere.get(jobId).await().get("state")), 5_000, "the job is seen interrupted");
    Map<String, String> job = elsewhere.get(jobId).await();
    assertEquals(Jobs.INTERRUPTED, job.get("error"));
    assertEquals("3", job.get("done"), "its progress stays readable");
    assertEquals("7", job.get("roundId"));
    assertNull(elsewhere.holder(lock).await(), "the lock ran out with the lease");
    String again = "test-" + UUID.randomUUID();
    assertTrue(elsewhere.start(again, "TEST", lock).await(), "the office can start it again");
    elsewhere.finish(again, "summary", "{}").await();
    assertEquals(Jobs.DONE, elsewhere.get(again).await().get("state"));
    assertNull(elsewhere.holder(lock).await(), "an ended job frees its lock");
    readerRedis.del(List.of(Jobs.key(jobId), Jobs.key(again))).await();
  }

  @Test
  void anEndedJobIsNeverReportedInterrupted() throws Exception {
    Jobs jobs = new Jobs(owner, ownerRedis, LEASE_MS);
    String jobId = "test-" + UUID.randomUUID();
    jobs.start(jobId, "TEST", null).await();
    jobs.fail(jobId, "error", "UNAVAILABLE").await();
    Thread.sleep(2 * LEASE_MS);
    Map<String, String> job = new Jobs(reader, readerRedis, LEASE_MS).get(jobId).await();
    assertEquals(Jobs.FAILED, job.get("state"));
    assertEquals("UNAVAILABLE", job.get("error"));
    assertTrue(new Jobs(reader, readerRedis, LEASE_MS).get("test-none").await().isEmpty());
    readerRedis.del(List.of(Jobs.key(jobId))).await();
  }
}
