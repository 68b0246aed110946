package edu.xuanke;

import edu.xuanke.course.Persister;
import edu.xuanke.course.TermKeys;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.RedisServer;
import edu.xuanke.support.Service;
import edu.xuanke.support.Stampede;
import edu.xuanke.support.TcpProxy;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stores failing under a write-heavy load (durability=aof, the default, on a Redis of the test's
 * own): Redis SIGKILLed at random moments, Redis restarted on a snapshot older than MySQL, MySQL
 * cut off, and both at once. After each: the invariants (README, "Invariants") hold in Redis and MySQL (the
 * audit: rosters within capacity, seats = capacity − roster, no double or conflicting holdings,
 * MySQL equal to the live state), every 2xx answer is in MySQL and nothing else is, refusals
 * changed nothing (they are compared like any other answer), and the service recovered by itself.
 * The MySQL outage lasts {@code -Dxuanke.test.mysqlOutageSeconds} (default 8; the 60 s runs
 * with 60), so the suite stays short; the backlog must be in MySQL within
 * {@code -Dxuanke.test.catchUpSeconds} (default 20; the bound is 10) of MySQL's return.
 */
class StoreFaultTest {

  private static final int STUDENTS = 120;
  private static final int SECTIONS = 30;
  private static final long OUTAGE_MS = 1000L * Long.getLong("xuanke.test.mysqlOutageSeconds", 8);
  /**
   * How soon the backlog must be in MySQL once it is back. The target is 10 s (measured here
   * 7.4–9.2 s with the machine at load 20–49); the default leaves CI on a busy 2-core box a margin.
   */
  private static final long CATCH_UP_MS = 1000L * Long.getLong("xuanke.test.catchUpSeconds", 20);

  private final Random random = new Random(11);
  private Stampede load;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private Vertx proxies;
  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private final List<Long> sections = new ArrayList<>();
  private List<String> students;

  @AfterEach
  void tearDown() throws Exception {
    if (load != null) load.stop();
    for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    if (proxies != null) proxies.close().await();
  }

  /** The service on {@code redis} (and MySQL through {@code mysqlPort}), a term with roomy and a few tiny sections. */
  private void startService(RedisServer redis, String durability, int mysqlPort) throws Exception {
    JsonObject direct = TestConfig.json().put("redisUrl", redis.url());
    startService(direct.copy().put("durability", durability).put("mysqlPort", mysqlPort), direct);
  }

  private void startService(JsonObject config, JsonObject direct) throws Exception {
    service = new Service(config, direct);
    closing.add(service);
    fixture = service.freshStores();
    closing.add(fixture);
    term = fixture.openTerm(5);
    for (int i = 0; i < SECTIONS; i++) {
      int slot = i / 7;
      // Distinct courses and times: most selections are enrolments; every tenth section is tiny, so some are full.
      sections.add(term.section("F" + i, i % 10 == 0 ? 3 : 40, 1 + i % 7,
        String.format("%02d:00", 8 + 2 * slot), String.format("%02d:00", 9 + 2 * slot)));
    }
    students = term.students("F", STUDENTS);
    service.start();
  }

  private RedisServer ownRedis(RedisServer redis) throws Exception {
    closing.add(redis);
    return redis.start();
  }

  @Test
  void redisKilledAtTenRandomMomentsLosesNothingAnswered() throws Exception {
    RedisServer redis = ownRedis(RedisServer.aof(RedisServer.FIRST_PORT));
    startService(redis, "aof", 3306);
    load = new Stampede(service, students, sections).start(1);
    for (int fault = 0; fault < 10; fault++) {
      Thread.sleep(200 + random.nextInt(800));
      redis.kill();
      Thread.sleep(50 + random.nextInt(300));
      redis.start();
      awaitProgress(load, "after Redis came back (fault " + (fault + 1) + ")");
    }
    load.stop();
    assertConsistent(load);
    assertTrue(load.answers().keySet().stream().noneMatch(kind -> kind.startsWith("401")),
      "sessions survived the restarts: " + load.answers());
  }

  /**
   * Redis comes back on a snapshot taken before selections that MySQL already has (an old RDB, a
   * replica that lagged): the term is rebuilt from MySQL before it sells a seat again.
   */
  @Test
  void redisRestartedOnOlderDataIsRebuiltBeforeItSellsAgain() throws Exception {
    RedisServer redis = ownRedis(RedisServer.memory(RedisServer.FIRST_PORT + 1));
    startService(redis, "memory", 3306);
    load = new Stampede(service, students, sections).start(2);
    awaitProgress(load, "before the snapshot");
    assertEquals("+OK", redis.command("SAVE"));
    int atSnapshot = load.successes();
    awaitProgress(load, "after the snapshot");
    // Everything answered so far is in MySQL (memory mode: what is not would be lost with Redis,
    // as documented); the snapshot lacks the answers after it.
    load.stop();
    TermKeys keys = new TermKeys(term.id);
    Persister.awaitPersistedSoFar(service.vertx, service.redis, keys, 10_000).await();
    long generation = term.liveGeneration();
    redis.kill();
    redis.start();
    load.start(6);
    awaitProgress(load, "after Redis came back on older data");
    load.stop();
    assertTrue(load.successes() > atSnapshot + 20, "answers after the snapshot: " + load.answers());
    assertTrue(term.liveGeneration() > generation, "the term was rebuilt from MySQL");
    assertConsistent(load);
  }

  @Test
  void mysqlOutageUnderLoadKeepsSelectingAndCatchesUp() throws Exception {
    RedisServer redis = ownRedis(RedisServer.aof(RedisServer.FIRST_PORT + 2));
    TcpProxy mysql = mysqlProxy();
    startService(redis, "aof", mysql.port);
    load = new Stampede(service, students, sections).start(3);
    awaitProgress(load, "before the outage");

    mysql.cut();
    long outageEnds = System.currentTimeMillis() + OUTAGE_MS;
    int before = load.successes();
    awaitHealth("mysql", "DOWN");
    assertEquals("UP", healthOf("redis"));
    HttpResponse<Buffer> login = service.http.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("studentId", students.get(0)).put("password", Fixture.PASSWORD)).await();
    assertEquals(503, login.statusCode(), "a route that needs MySQL: " + login.bodyAsString());
    assertEquals("UNAVAILABLE", Service.errorCode(login));
    Thread.sleep(Math.max(0, outageEnds - System.currentTimeMillis()));
    assertTrue(load.successes() > before + 50, "selections went on without MySQL: " + load.answers());
    long backlog = service.redis.xlen(new TermKeys(term.id).events()).await().toLong();
    assertTrue(backlog > 0, "the stream holds the outage's changes");

    mysql.start();
    assertCaughtUp(backlog);
    load.stop();
    assertConsistent(load);
  }

  /** The worst case: the outage's answers live only in Redis, which is then killed. */
  @Test
  void redisKilledDuringMysqlOutageLosesNothingAnswered() throws Exception {
    RedisServer redis = ownRedis(RedisServer.aof(RedisServer.FIRST_PORT + 3));
    TcpProxy mysql = mysqlProxy();
    startService(redis, "aof", mysql.port);
    load = new Stampede(service, students, sections).start(4);
    awaitProgress(load, "before the outage");

    mysql.cut();
    long outageEnds = System.currentTimeMillis() + OUTAGE_MS;
    awaitProgress(load, "during the outage");
    redis.kill();
    Thread.sleep(200);
    redis.start();
    awaitProgress(load, "after Redis came back during the outage");
    Thread.sleep(Math.max(0, outageEnds - System.currentTimeMillis()));
    long backlog = service.redis.xlen(new TermKeys(term.id).events()).await().toLong();

    mysql.start();
    assertCaughtUp(backlog);
    load.stop();
    assertConsistent(load);
  }

  /**
   * durability=replica: each batch of answers waits for the replica (WAIT 1). The primary is
   * SIGKILLed mid-load and the replica promoted (REPLICAOF NO ONE, what Sentinel would do), with
   * the service's address moved to it (a relay, as a virtual IP or HAProxy would): no answered
   * selection is lost.
   */
  @Test
  void primaryKilledFailoverToReplicaLosesNothingAnswered() throws Exception {
    RedisServer primary = ownRedis(RedisServer.aof(RedisServer.FIRST_PORT + 4));
    RedisServer replica = ownRedis(RedisServer.aof(RedisServer.FIRST_PORT + 5));
    assertEquals("+OK", replica.command("REPLICAOF 127.0.0.1 " + primary.port));
    proxies = Vertx.vertx();
    TcpProxy address = new TcpProxy(proxies, primary.port).start();
    JsonObject direct = TestConfig.json().put("redisUrl", "redis://127.0.0.1:" + address.port + "/0");
    startService(direct.put("durability", "replica"), direct);
    awaitReplicaOnline(primary);
    load = new Stampede(service, students, sections).start(5);
    awaitProgress(load, "before the failover");
    Thread.sleep(300 + random.nextInt(700));

    primary.kill();
    assertEquals("+OK", replica.command("REPLICAOF NO ONE"));
    address.retarget(replica.port);
    address.cut();
    address.start();
    awaitProgress(load, "after the failover");
    load.stop();
    assertConsistent(load);
  }

  private static void awaitReplicaOnline(RedisServer primary) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (!"+OK".equals(primary.command("SET xk:replica-probe 1")) || !"1".equals(primary.command("WAIT 1 100").substring(1))) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("the replica never caught up");
      Thread.sleep(100);
    }
  }

  private TcpProxy mysqlProxy() {
    proxies = Vertx.vertx();
    return new TcpProxy(proxies, 3306).start();
  }

  /** Waits (up to 20 s) until at least 20 more selections were answered 2xx: the service serves again. */
  private static void awaitProgress(Stampede load, String when) throws InterruptedException {
    int from = load.successes();
    long deadline = System.currentTimeMillis() + 20_000;
    while (load.successes() < from + 20) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("no progress " + when + ": " + load.answers());
      Thread.sleep(20);
    }
  }

  private void assertCaughtUp(long backlog) {
    long returned = System.currentTimeMillis();
    Persister.awaitPersistedSoFar(service.vertx, service.redis, new TermKeys(term.id), CATCH_UP_MS).await();
    System.out.printf("MySQL back: a backlog of %d events stored in %d ms%n", backlog, System.currentTimeMillis() - returned);
  }

  private void assertConsistent(Stampede load) {
    System.out.printf("%s: %d answered 2xx, %d sections left out as unanswered; answers %s%n",
      term.id, load.successes(), load.uncertainCount(), load.answers());
    assertEquals(List.of(), service.audit(term.id), "invariants, and MySQL equal to the live state");
    assertEquals(List.of(), load.mismatches(fixture, term.id), "every 2xx in MySQL, nothing else");
  }

  private void awaitHealth(String store, String status) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!status.equals(healthOf(store))) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("/health never said " + store + " " + status);
      Thread.sleep(100);
    }
  }

  private String healthOf(String store) {
    JsonObject health = service.http.get("/health").send().await().bodyAsJsonObject();
    return health.getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(c -> store.equals(c.getString("id"))).findFirst().orElseThrow().getString("status");
  }
}
