package edu.xuanke.bench;

import edu.xuanke.Main;
import edu.xuanke.auth.PasswordHasher;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.ConfigLoader;
import edu.xuanke.core.Stores;
import edu.xuanke.core.VertxSettings;
import edu.xuanke.course.Audit;
import edu.xuanke.course.Catalog;
import edu.xuanke.course.Persister;
import edu.xuanke.course.TermKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import org.HdrHistogram.Histogram;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code java -Xmx512m -cp target/xuanke.jar edu.xuanke.bench.LotteryBench [students] [sections] [seats] [wishes]}: a
 * pre-selection of 50,000 students × 5 wishes on 500 sections × 60 seats (skewed, so popular
 * sections are oversubscribed), then the lottery as the office runs it (POST …/lottery, polling the
 * job), while probes select and drop in another, first-come term. Prints the lottery's time, the
 * heap at its peak, the probes' latencies, the publication's time, the invariant audit and the
 * blocked-thread warnings. Runs the service in-process on its own database
 * (&lt;database&gt;_lotterybench) and Redis db 13 (or XUANKE_BENCH_REDIS_DB); the wishes are written over JDBC, not filed through the API.
 */
public final class LotteryBench {

  private static final int REDIS_DB = 13;
  private static final String USAGE = """
    java -Xmx512m -cp target/xuanke.jar edu.xuanke.bench.LotteryBench [students] [sections] [seats] [wishes]
      defaults: 50000 500 60 5 (the issue's size; target: the lottery job in <= 10 s, heap <= 512 MB,
      0 blocked-thread warnings, the other term's selections answering meanwhile)
    Uses its own database (<mysqlDatabase>_lotterybench) and Redis db (13, or XUANKE_BENCH_REDIS_DB), emptied first.
    """;
  private static final int PROBE_STUDENTS = 50;
  private static final int PROBE_SECTIONS = 20;
  private static final int PROBE_THREADS = 4;

  private LotteryBench() {
  }

  public static void main(String[] arguments) throws Exception {
    List<String> args = List.of(arguments);
    if (args.contains("--help") || args.contains("-h")) {
      System.out.print(USAGE);
      return;
    }
    int redisDb = Integer.parseInt(System.getenv().getOrDefault("XUANKE_BENCH_REDIS_DB", Integer.toString(REDIS_DB)));
    int students = args.size() > 0 ? Integer.parseInt(args.get(0)) : 50_000;
    int sections = args.size() > 1 ? Integer.parseInt(args.get(1)) : 500;
    int seats = args.size() > 2 ? Integer.parseInt(args.get(2)) : 60;
    int wishes = args.size() > 3 ? Integer.parseInt(args.get(3)) : 5;
    BlockedThreadCounter blocked = BlockedThreadCounter.attach();
    Vertx vertx = Vertx.vertx(VertxSettings.options());
    AppConfig base = ConfigLoader.load(vertx).await();
    AppConfig config = new AppConfig(base.json().copy()
      .put("mysqlDatabase", base.mysqlDatabase() + "_lotterybench")
      .put("redisUrl", base.redisUrl().replaceAll("/\\d+$", "") + "/" + redisDb)
      .put("httpPort", freePort()).put("demo", false).put("instanceId", "lotterybench")
      // The lottery's figures do not depend on how Redis persists; the shared Redis keeps nothing on disk.
      .put("durability", "memory"));
    RedisAPI.api(Stores.redis(vertx, config)).flushdb(List.of()).await();
    long setup = System.nanoTime();
    SyntheticTerm term = vertx.executeBlocking(() -> SyntheticTerm.create(config, BenchOptions.parse(List.of(
      "--students", Integer.toString(students), "--sections", Integer.toString(sections), "--seats", Integer.toString(seats))))).await();
    long[] ids = vertx.executeBlocking(() -> prepare(config, term, wishes)).await();
    long roundId = ids[0];
    long probeTerm = ids[1];
    System.out.printf("setup: %,d students × %d wishes on %d sections × %d seats written in %.1f s%n",
      students, wishes, sections, seats, (System.nanoTime() - setup) / 1e9);
    Main main = new Main(vertx);
    AppConfig running = main.start(config).await();
    try {
      Api api = new Api(running.httpPort());
      String admin = api.login("BENCHADMIN");
      List<String> probeTokens = new ArrayList<>();
      for (int i = 1; i <= PROBE_STUDENTS; i++) probeTokens.add(api.login(String.format("P%04d", i)));
      List<Long> probeSections = probeSections(config, probeTerm);

      Histogram probeLatency = new Histogram(60_000_000L, 3);
      AtomicLong probeErrors = new AtomicLong();
      AtomicBoolean probing = new AtomicBoolean(true);
      AtomicLong peakHeap = new AtomicLong();
      Runtime runtime = Runtime.getRuntime();
      Thread heap = new Thread(() -> {
        while (probing.get()) {
          peakHeap.accumulateAndGet(runtime.totalMemory() - runtime.freeMemory(), Math::max);
          sleep(20);
        }
      }, "bench-heap");
      List<Thread> probes = new ArrayList<>();
      for (int t = 0; t < PROBE_THREADS; t++) {
        int offset = t;
        probes.add(new Thread(() -> probe(api, probeTokens, probeSections, offset, probing, probeLatency, probeErrors), "bench-probe-" + t));
      }
      System.gc();
      long heapBefore = (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
      heap.start();
      probes.forEach(Thread::start);
      sleep(1_000);
      double loadBefore = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

      long blockedBefore = blocked.count();
      long started = System.nanoTime();
      JsonObject job = runJob(api, admin, "/api/admin/rounds/" + roundId + "/lottery", new JsonObject().put("seed", 20261201));
      double lotterySeconds = (System.nanoTime() - started) / 1e9;
      long blockedDuringLottery = blocked.count() - blockedBefore;
      sleep(1_000);
      probing.set(false);
      for (Thread probe : probes) probe.join();
      heap.join();

      System.out.printf("lottery: %s in %.2f s (reading %.1f s, drawing %.1f s of which %.2f s CPU, writing %.1f s; seed %d,"
          + " %,d students, %,d wishes, %,d won, %d sections cancelled, inputs %s)%n",
        job.getString("state"), lotterySeconds, job.getLong("readMs", 0L) / 1e3, job.getLong("drawMs", 0L) / 1e3,
        job.getLong("drawCpuMs", 0L) / 1e3,
        job.getLong("writeMs", 0L) / 1e3, job.getLong("seed"), job.getLong("students", 0L), job.getLong("wishes", 0L),
        job.getLong("won", 0L), job.getJsonArray("cancelled", new io.vertx.core.json.JsonArray()).size(),
        job.getString("inputsDigest", "").substring(0, Math.min(12, job.getString("inputsDigest", "").length())));
      System.out.printf("machine load average (1 min) before the lottery: %.1f on %d cores%n", loadBefore,
        runtime.availableProcessors());
      System.out.printf("heap: %d MB in use before, %d MB at the peak during the lottery (max heap %d MB)%n",
        heapBefore, peakHeap.get() / (1024 * 1024), runtime.maxMemory() / (1024 * 1024));
      System.out.printf("other term's selections during the lottery: %,d select/drop requests, %d errors, p50 %.1f ms,"
          + " p99 %.1f ms, max %.1f ms%n", probeLatency.getTotalCount(), probeErrors.get(),
        probeLatency.getValueAtPercentile(50) / 1000.0, probeLatency.getValueAtPercentile(99) / 1000.0, probeLatency.getMaxValue() / 1000.0);

      long publishStarted = System.nanoTime();
      JsonObject published = runJob(api, admin, "/api/admin/rounds/" + roundId + "/publish", new JsonObject());
      System.out.printf("publish: %s, %,d enrollments placed in one step, %d refused, in %.2f s (mails included)%n",
        published.getString("state"), published.getLong("placed", 0L),
        published.getJsonArray("refused", new io.vertx.core.json.JsonArray()).size(), (System.nanoTime() - publishStarted) / 1e9);
      RedisAPI redis = RedisAPI.api(Stores.redis(vertx, config));
      Pool mysql = Stores.mysql(vertx, config);
      Persister.awaitDrained(vertx, redis, new TermKeys(term.termId), 120_000).await();
      Catalog catalog = new Catalog(mysql);
      catalog.reload().await();
      List<String> violations = new Audit(redis, mysql, catalog).run(term.termId).await();
      System.out.printf("invariant violations after publishing: %d %s%n", violations.size(),
        violations.isEmpty() ? "" : violations.subList(0, Math.min(5, violations.size())));
      System.out.printf("blocked-thread warnings: %d during the lottery, %d in the whole run (setup included)%n",
        blockedDuringLottery, blocked.count());
    } finally {
      main.undeployAll().toCompletionStage().toCompletableFuture().get();
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  /** Starts a round job and polls it until it ends. */
  private static JsonObject runJob(Api api, String admin, String path, JsonObject body) throws Exception {
    String jobId = api.post(admin, path, body).getString("jobId");
    JsonObject job;
    do {
      sleep(100);
      job = new JsonObject(api.get(admin, "/api/admin/jobs/" + jobId));
    } while ("RUNNING".equals(job.getString("state")));
    return job;
  }

  /**
   * A closed PRESELECT round over the synthetic term with each student's wishes (distinct courses,
   * skewed towards low section numbers), a second, first-come term for the probes, and the admin.
   * Returns {roundId, probeTermId}.
   */
  private static long[] prepare(AppConfig config, SyntheticTerm term, int wishes) throws SQLException {
    String url = "jdbc:mariadb://" + config.mysqlHost() + ":" + config.mysqlPort() + "/" + config.mysqlDatabase()
      + "?rewriteBatchedStatements=true";
    try (Connection db = DriverManager.getConnection(url, config.mysqlUser(), config.mysqlPassword())) {
      db.setAutoCommit(false);
      LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
      String hash = PasswordHasher.hashNow(SyntheticTerm.PASSWORD, 16);
      // Results are mailed on publishing; the bench's students have no address, so no mail floods the log.
      try (Statement s = db.createStatement()) {
        s.executeUpdate("UPDATE accounts SET email = ''");
      }
      long round = insert(db, "INSERT INTO selection_rounds (term_id, kind, opens_at, closes_at, max_wishes, options)"
        + " VALUES (?, 'PRESELECT', ?, ?, ?, '{\"priorities\":{\"*\":[\"prefix:B00\"]}}')", term.termId,
        now.minusSeconds(50), now.minusSeconds(10), wishes);
      Random random = new Random(7);
      try (PreparedStatement ps = db.prepareStatement("INSERT INTO plan_entries (term_id, student_id, rank_no, section_id) VALUES (?, ?, ?, ?)")) {
        int n = 0;
        for (String student : term.students) {
          Set<Integer> courses = new HashSet<>();
          int rank = 0;
          while (rank < wishes) {
            double r = random.nextDouble();
            int index = (int) (term.sections.size() * r * r);
            if (!courses.add(index / 2)) continue;
            ps.setLong(1, term.termId);
            ps.setString(2, student);
            ps.setInt(3, ++rank);
            ps.setLong(4, term.sections.get(index));
            ps.addBatch();
            if (++n % 10_000 == 0) ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      long probeTerm = insert(db, "INSERT INTO terms (name, selection_opens_at, selection_closes_at, drop_closes_at,"
        + " max_sections_per_student, profile_required) VALUES ('probe', ?, ?, ?, 5, FALSE)", now.minusMinutes(1), now.plusDays(1), now.plusDays(1));
      long period = insert(db, "INSERT INTO periods (term_id, idx, starts_on, ends_on) VALUES (?, 1, ?, ?)", probeTerm,
        LocalDate.now(), LocalDate.now().plusWeeks(8));
      long type;
      try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM course_types LIMIT 1")) {
        rs.next();
        type = rs.getLong(1);
      }
      for (int i = 0; i < PROBE_SECTIONS; i++) {
        insert(db, "INSERT INTO sections (term_id, period_id, type_id, course_code, course_title, capacity, weekday, start_time,"
          + " end_time) VALUES (?, ?, ?, ?, ?, 100000, ?, '08:00', '09:00')", probeTerm, period, type, "PROBE" + i, "Probe " + i, 1 + i % 7);
      }
      for (int i = 1; i <= PROBE_STUDENTS; i++) {
        insert(db, "INSERT INTO accounts (student_id, password_hash, cohort_term_id) VALUES (?, ?, ?)",
          String.format("P%04d", i), hash, probeTerm);
      }
      insert(db, "INSERT INTO accounts (student_id, password_hash, role) VALUES ('BENCHADMIN', ?, 'ADMIN')", hash);
      db.commit();
      return new long[] {round, probeTerm};
    }
  }

  private static List<Long> probeSections(AppConfig config, long probeTerm) throws SQLException {
    String url = "jdbc:mariadb://" + config.mysqlHost() + ":" + config.mysqlPort() + "/" + config.mysqlDatabase();
    List<Long> out = new ArrayList<>();
    try (Connection db = DriverManager.getConnection(url, config.mysqlUser(), config.mysqlPassword());
         PreparedStatement ps = db.prepareStatement("SELECT id FROM sections WHERE term_id = ? ORDER BY id")) {
      ps.setLong(1, probeTerm);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getLong(1));
      }
    }
    return out;
  }

  /** Selects a section of the other term and drops it again, over and over, timing each request. */
  private static void probe(Api api, List<String> tokens, List<Long> sections, int offset, AtomicBoolean probing,
                            Histogram latency, AtomicLong errors) {
    int i = offset;
    while (probing.get()) {
      String token = tokens.get(i % tokens.size());
      long section = sections.get(i % sections.size());
      i += PROBE_THREADS;
      try {
        long t0 = System.nanoTime();
        int selected = api.status(token, "POST", "/api/selections", new JsonObject().put("sectionId", section).encode());
        long t1 = System.nanoTime();
        int dropped = api.status(token, "DELETE", "/api/selections/" + section, null);
        long t2 = System.nanoTime();
        synchronized (latency) {
          latency.recordValue((t1 - t0) / 1000);
          latency.recordValue((t2 - t1) / 1000);
        }
        if (selected != 201 || dropped != 204) errors.incrementAndGet();
      } catch (Exception e) {
        errors.incrementAndGet();
      }
    }
  }

  private static long insert(Connection db, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The API as an outside client sees it (the JDK's HTTP client). */
  private static final class Api {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    Api(int port) {
      this.base = "http://localhost:" + port;
    }

    String login(String username) throws Exception {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/api/auth/login"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("studentId", username)
          .put("password", SyntheticTerm.PASSWORD).encode())).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) throw new IllegalStateException("login of " + username + ": " + response.body());
      return new JsonObject(response.body()).getString("token");
    }

    String get(String token, String path) throws Exception {
      return client.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
    }

    JsonObject post(String token, String path, JsonObject body) throws Exception {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
      return new JsonObject(response.body());
    }

    int status(String token, String method, String path, String json) throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(10));
      request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
        : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
      return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }
}
