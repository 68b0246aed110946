package edu.xuanke.bench;

import edu.xuanke.Main;
import edu.xuanke.admin.Export;
import edu.xuanke.auth.PasswordHasher;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.ConfigLoader;
import edu.xuanke.core.Stores;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code java -cp target/xuanke.jar edu.xuanke.bench.AdminBench [students-to-import] [enrollments-to-export]}:
 * imports a generated student list through the API while probing /health, then exports a term of
 * that many enrollments, printing the import time and the heap in use (after a collection) at
 * several row counts of the export. Runs the whole service in-process on its own database
 * (&lt;database&gt;_adminbench) and Redis db 14.
 */
public final class AdminBench {

  private static final int REDIS_DB = 14;
  private static final int SECTIONS = 100;
  private static final int SECTIONS_PER_STUDENT = 10;
  private static final Set<Long> HEAP_AT = Set.of(1_000L, 10_000L, 25_000L, 50_000L, 75_000L, 100_000L, 250_000L, 500_000L);

  private AdminBench() {
  }

  static final String USAGE = """
    usage: java -jar target/xuanke.jar bench-admin [IMPORT_ROWS [EXPORT_ROWS]]
      IMPORT_ROWS   rows of the generated student CSV to import (default 50000)
      EXPORT_ROWS   enrollments to export as CSV and XLSX (default 100000)
    Uses its own database (<mysqlDatabase>_adminbench) and Redis db, emptied first.
    """;

  public static void main(String[] arguments) throws Exception {
    List<String> args = List.of(arguments);
    if (args.contains("--help") || args.contains("-h")) {
      System.out.print(USAGE);
      return;
    }
    int importRows = args.size() > 0 ? Integer.parseInt(args.get(0)) : 50_000;
    int exportRows = args.size() > 1 ? Integer.parseInt(args.get(1)) : 100_000;
    BlockedThreadCounter blocked = BlockedThreadCounter.attach();
    Vertx vertx = Vertx.vertx();
    AppConfig base = ConfigLoader.load(vertx).await();
    AppConfig config = new AppConfig(base.json().copy()
      .put("mysqlDatabase", base.mysqlDatabase() + "_adminbench")
      .put("redisUrl", base.redisUrl().replaceAll("/\\d+$", "") + "/" + REDIS_DB)
      .put("httpPort", freePort()).put("demo", false).put("instanceId", "adminbench")
      .put("importFileLimit", 64L * 1024 * 1024));
    RedisAPI.api(Stores.redis(vertx, config)).flushdb(List.of()).await();
    int students = Math.max(1, exportRows / SECTIONS_PER_STUDENT);
    SyntheticTerm term = vertx.executeBlocking(() -> SyntheticTerm.create(config,
      BenchOptions.parse(List.of("--students", Integer.toString(students), "--sections", Integer.toString(SECTIONS),
        "--seats", Integer.toString(students))))).await();
    long enrollments = vertx.executeBlocking(() -> enrol(config, term)).await();
    Main main = new Main(vertx);
    AppConfig running = main.start(config).await();
    try {
      Api api = new Api(running.httpPort());
      api.login("benchadmin", SyntheticTerm.PASSWORD);
      benchImport(api, term.termId, importRows);
      benchExport(config, api, term.termId, enrollments);
      System.out.printf("blocked-thread warnings: %d%n", blocked.count());
    } finally {
      main.undeployAll().toCompletionStage().toCompletableFuture().get();
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  /** Each student holds SECTIONS_PER_STUDENT sections; plus an admin account. */
  private static long enrol(AppConfig config, SyntheticTerm term) throws SQLException {
    String url = "jdbc:mariadb://" + config.mysqlHost() + ":" + config.mysqlPort() + "/" + config.mysqlDatabase()
      + "?rewriteBatchedStatements=true";
    long count = 0;
    try (Connection db = DriverManager.getConnection(url, config.mysqlUser(), config.mysqlPassword())) {
      db.setAutoCommit(false);
      // A finished term: the export reads MySQL only, and no live state of this size is built.
      try (PreparedStatement closed = db.prepareStatement("UPDATE terms SET name = '2026 秋季', selection_opens_at = ?,"
        + " selection_closes_at = ?, drop_closes_at = ? WHERE id = ?")) {
        LocalDateTime past = LocalDateTime.now().minusDays(10);
        closed.setObject(1, past);
        closed.setObject(2, past.plusDays(1));
        closed.setObject(3, past.plusDays(2));
        closed.setLong(4, term.termId);
        closed.executeUpdate();
      }
      try (PreparedStatement admin = db.prepareStatement("INSERT INTO accounts (student_id, password_hash, role) VALUES (?, ?, 'ADMIN')")) {
        admin.setString(1, "benchadmin");
        admin.setString(2, PasswordHasher.hashNow(SyntheticTerm.PASSWORD, 16));
        admin.executeUpdate();
      }
      try (PreparedStatement ps = db.prepareStatement("INSERT INTO enrollments (student_id, section_id, term_id, state,"
        + " enrolled_at, last_event) VALUES (?, ?, ?, 'ENROLLED', ?, ?)")) {
        LocalDateTime at = LocalDateTime.of(2026, 9, 1, 10, 0);
        for (int s = 0; s < term.students.size(); s++) {
          for (int k = 0; k < SECTIONS_PER_STUDENT; k++) {
            ps.setString(1, term.students.get(s));
            ps.setLong(2, term.sections.get((s + k * (SECTIONS / SECTIONS_PER_STUDENT)) % SECTIONS));
            ps.setLong(3, term.termId);
            ps.setObject(4, at.plusNanos(count * 1_000_000));
            ps.setString(5, String.format("%013d-%010d", count, 0));
            ps.addBatch();
            if (++count % 5_000 == 0) ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      db.commit();
    }
    return count;
  }

  private static void benchImport(Api api, long termId, int rows) throws Exception {
    Path csv = Files.createTempFile("xuanke-bench-students-", ".csv");
    try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      out.write("学号,姓名,性别,班级,专业,学院,邮箱,手机\n");
      for (int i = 1; i <= rows; i++) {
        out.write(String.format("I%07d,学生%d,%s,C%d,M1,理学院,i%07d@bench.invalid,138%08d%n", i, i, i % 2 == 0 ? "男" : "女",
          i % 40, i, i));
      }
    }
    AtomicLong worstHealthMs = new AtomicLong();
    AtomicLong probes = new AtomicLong();
    long started = System.nanoTime();
    String jobId = api.upload("/api/admin/students/import?termId=" + termId, csv).getString("jobId");
    JsonObject job;
    do {
      long t0 = System.nanoTime();
      api.get("/health");
      worstHealthMs.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
      probes.incrementAndGet();
      Thread.sleep(200);
      job = api.json("/api/admin/jobs/" + jobId);
    } while ("RUNNING".equals(job.getString("state")));
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("import: %,d rows (%,d bytes CSV) -> state %s, created %,d, errors %d in %.1f s (%,.0f rows/s);"
        + " /health answered %d probes during it, slowest %d ms%n",
      rows, Files.size(csv), job.getString("state"), job.getLong("created"), job.getJsonArray("errors").size(), millis / 1000.0,
      rows * 1000.0 / Math.max(1, millis), probes.get(), worstHealthMs.get());
    Files.delete(csv);
  }

  private static void benchExport(AppConfig config, Api api, long termId, long enrollments) throws Exception {
    Runtime runtime = Runtime.getRuntime();
    List<String> samples = new ArrayList<>();
    Path out = Files.createTempFile("xuanke-bench-export-", ".csv");
    System.gc();
    samples.add("before: " + usedMb(runtime) + " MB");
    long started = System.nanoTime();
    long rows = new Export(config).write(out, Export.Kind.ENROLLMENTS, termId, 0, false, false, count -> {
      if (HEAP_AT.contains(count)) {
        System.gc();
        samples.add(String.format("%,d rows: %d MB", count, usedMb(runtime)));
      }
    });
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("export (csv, in-process writer): %,d of %,d enrollments, %,d bytes in %.1f s; heap used after GC: %s%n",
      rows, enrollments, Files.size(out), millis / 1000.0, String.join(", ", samples));
    Files.delete(out);
    for (String format : List.of("csv", "xlsx")) {
      long t0 = System.nanoTime();
      long bytes = api.download("/api/admin/export?termId=" + termId + "&format=" + format);
      System.out.printf("export over HTTP (%s): %,d bytes in %.1f s%n", format, bytes, (System.nanoTime() - t0) / 1e9);
    }
  }

  private static long usedMb(Runtime runtime) {
    return (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The API as a client outside the service sees it (the JDK's HTTP client). */
  private static final class Api {
    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;
    private String token;

    Api(int port) {
      this.base = "http://localhost:" + port;
    }

    void login(String username, String password) throws Exception {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/api/auth/login"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("studentId", username).put("password", password).encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
      token = new JsonObject(response.body()).getString("token");
    }

    String get(String path) throws Exception {
      return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    JsonObject json(String path) throws Exception {
      return new JsonObject(get(path));
    }

    long download(String path) throws Exception {
      HttpResponse<java.io.InputStream> response = client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      try (java.io.InputStream in = response.body()) {
        return in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    }

    JsonObject upload(String path, Path file) throws Exception {
      String boundary = "xuanke-" + UUID.randomUUID();
      byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"students.csv\"\r\n"
        + "Content-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8);
      byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> response = client.send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
          HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofByteArray(tail))).build(),
        HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 202) throw new IllegalStateException("import refused: " + response.body());
      return new JsonObject(response.body());
    }

    private HttpRequest.Builder request(String path) {
      return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token);
    }
  }
}
