package edu.xuanke.bench;

import edu.xuanke.auth.PasswordHasher;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.ConfigLoader;
import edu.xuanke.core.Stores;
import edu.xuanke.course.Audit;
import edu.xuanke.course.Catalog;
import edu.xuanke.course.Persister;
import edu.xuanke.course.TermKeys;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code bench --target URL}: drives a deployment that already runs (e.g. HAProxy in front of
 * several nodes, bin/cluster) with the selection route and the stampede mix, then drains and
 * audits as the in-process harness does. The synthetic term is written into the deployment's
 * database (its settings come from XUANKE_* as for a node), which must be migrated and hold no
 * term yet (a deployment started with XUANKE_DEMO=false on an empty database); an admin edit
 * through the target then makes every node load it. With
 * {@code --stats URL} (HAProxy's CSV stats), each node's share of the requests is printed.
 */
final class TargetBench {

  private static final String ADMIN = "benchadmin";

  private TargetBench() {
  }

  static void run(BenchOptions options) throws Exception {
    URI target = URI.create(options.target);
    int port = target.getPort() > 0 ? target.getPort() : 80;
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    AppConfig config = ConfigLoader.load(vertx).await();
    System.out.printf("bench: target %s, %,d students, %,d sections × %d seats, skew %.2f, %d connections, %d s per phase%n",
      options.target, options.students, options.sections, options.seats, options.skew, options.connections,
      options.duration.toSeconds());
    SyntheticTerm term = vertx.executeBlocking(() -> prepare(config, options)).await();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost(target.getHost())
      .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(options.connections));
    announce(client, term.termId);
    Map<String, Long> before = NodeShares.read(vertx, options.stats);
    List<String> tokens = Bench.login(vertx, client, target.getHost(), port, term.students, options);

    LoadDriver api = new LoadDriver(vertx, client, target.getHost(), port, options.connections);
    ScriptCost notMeasured = new ScriptCost(null);
    SelectionMix students = new SelectionMix(tokens, term.sections, options.skew, term.termId);
    LoadDriver.Result selection = api.run("selection route", students.use(SelectionMix.SELECTS_ONLY),
      options.warmup, options.duration, notMeasured);
    LoadDriver.Result mix = api.run("stampede mix", students.use(SelectionMix.STAMPEDE), options.warmup,
      options.duration, notMeasured);
    Map<String, Long> after = NodeShares.read(vertx, options.stats);

    System.out.println("  draining the persisters and auditing the invariants …");
    RedisAPI redis = RedisAPI.api(Stores.redis(vertx, config));
    Persister.awaitDrained(vertx, redis, new TermKeys(term.termId), 120_000).await();
    Pool mysql = Stores.mysql(vertx, config);
    Catalog catalog = new Catalog(mysql);
    catalog.reload().await();
    List<String> violations = new Audit(redis, mysql, catalog).run(term.termId).await();

    for (LoadDriver.Result phase : List.of(selection, mix)) {
      System.out.printf("%-16s %,9.0f req/s  p50 %6.1f  p90 %6.1f  p99 %6.1f  p99.9 %6.1f ms  io errors %d%n",
        phase.phase, phase.rps(), phase.percentileMs(50), phase.percentileMs(90), phase.percentileMs(99),
        phase.percentileMs(99.9), phase.failures.sum());
      System.out.println("                 outcomes " + phase.outcomeCounts());
    }
    NodeShares.print(before, after);
    System.out.printf("invariant violations: %d%s%n", violations.size(), violations.isEmpty() ? "" : " " + violations);
    client.close();
    vertx.close().await();
    System.exit(violations.isEmpty() ? 0 : 1);
  }

  /**
   * The synthetic term, and an admin with the students' password to announce it through the
   * target; refused when the deployment's database already has a term.
   */
  private static SyntheticTerm prepare(AppConfig config, BenchOptions options) throws Exception {
    String url = "jdbc:mariadb://" + config.mysqlHost() + ":" + config.mysqlPort() + "/" + config.mysqlDatabase();
    try (Connection db = DriverManager.getConnection(url, config.mysqlUser(), config.mysqlPassword())) {
      try (Statement s = db.createStatement(); ResultSet terms = s.executeQuery("SELECT COUNT(*) FROM terms")) {
        if (terms.next() && terms.getLong(1) > 0) {
          throw new IllegalStateException("bench --target needs a deployment on an empty database (XUANKE_DEMO=false); "
            + config.mysqlDatabase() + " has terms");
        }
      }
      SyntheticTerm term = SyntheticTerm.fill(config, options);
      try (PreparedStatement ps = db.prepareStatement(
        "INSERT INTO accounts (student_id, password_hash, role, name) VALUES (?, ?, 'ADMIN', 'Bench')")) {
        ps.setString(1, ADMIN);
        ps.setString(2, PasswordHasher.hashNow(SyntheticTerm.PASSWORD, 16));
        ps.executeUpdate();
      }
      return term;
    }
  }

  /**
   * An edit of the term (its name, unchanged in substance) through the target: the change notice
   * reaches every node, which loads the term's live state and starts its persister.
   */
  private static void announce(HttpClient client, long termId) {
    String token = client.request(HttpMethod.POST, "/api/auth/login")
      .compose(req -> req.putHeader("Content-Type", "application/json")
        .send(new JsonObject().put("studentId", ADMIN).put("password", SyntheticTerm.PASSWORD).toBuffer()))
      .compose(res -> res.body().map(body -> {
        if (res.statusCode() != 200) throw new IllegalStateException("the bench admin's login answered " + body);
        return body.toJsonObject().getString("token");
      })).await();
    int status = client.request(HttpMethod.PUT, "/api/admin/terms/" + termId)
      .compose(req -> req.putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + token)
        .send(Buffer.buffer(new JsonObject().put("name", "bench term " + termId).encode())))
      .compose(res -> res.body().map(body -> res.statusCode())).await();
    if (status != 200) throw new IllegalStateException("announcing the term through the target answered " + status);
  }

  /** Requests each HAProxy server answered, from its CSV stats (column stot). */
  static final class NodeShares {
    private NodeShares() {
    }

    static Map<String, Long> read(Vertx vertx, String statsUrl) {
      Map<String, Long> counts = new TreeMap<>();
      if (statsUrl == null) return counts;
      URI uri = URI.create(statsUrl);
      HttpClient client = vertx.createHttpClient();
      try {
        String csv = client.request(HttpMethod.GET, uri.getPort(), uri.getHost(), uri.getRawPath()
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()))
          .compose(req -> req.send().compose(res -> res.body())).await().toString();
        for (String line : csv.split("\n")) {
          String[] cells = line.split(",");
          if (cells.length > 7 && !cells[1].equals("FRONTEND") && !cells[1].equals("BACKEND") && !line.startsWith("#")
            && !cells[0].equals("stats")) {
            counts.put(cells[1], Long.parseLong(cells[7].isEmpty() ? "0" : cells[7]));
          }
        }
      } finally {
        client.close();
      }
      return counts;
    }

    static void print(Map<String, Long> before, Map<String, Long> after) {
      if (after.isEmpty()) return;
      long total = after.entrySet().stream().mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)).sum();
      after.forEach((node, count) -> {
        long n = count - before.getOrDefault(node, 0L);
        System.out.printf("node %-8s %,10d requests (%.1f %%)%n", node, n, total == 0 ? 0.0 : 100.0 * n / total);
      });
    }
  }
}
