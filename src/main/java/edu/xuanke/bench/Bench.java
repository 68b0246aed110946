package edu.xuanke.bench;

import edu.xuanke.Main;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.VertxSettings;
import edu.xuanke.core.ConfigLoader;
import edu.xuanke.core.Durability;
import edu.xuanke.core.Stores;
import edu.xuanke.course.Audit;
import edu.xuanke.course.Catalog;
import edu.xuanke.course.PersistenceLag;
import edu.xuanke.course.Persister;
import edu.xuanke.course.TermKeys;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code java -cp target/xuanke.jar edu.xuanke.bench.Bench [options]}: a synthetic term in its own database, the
 * service in this JVM, real logins, then three phases with the same connections: a bare "hello"
 * handler, a bare handler doing one EVALSHA, the selection route (POST /api/selections, sections
 * skewed to popular ones), and the whole selection API under a stampede mix.
 * Afterwards the persister is drained and the invariants are audited in Redis and MySQL.
 */
public final class Bench {

  private static final int BENCH_REDIS_DB = 15;

  private Bench() {
  }

  public static void main(String[] arguments) throws Exception {
    List<String> args = List.of(arguments);
    if (args.contains("--help") || args.contains("-h")) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (options.target != null) {
      try {
        TargetBench.run(options);
      } catch (Exception e) {
        System.err.println("bench --target failed: " + e);
        System.exit(1);
      }
      return;
    }
    BlockedThreadCounter blocked = BlockedThreadCounter.attach();
    HeapSampler heap = new HeapSampler();
    VertxOptions serviceOptions = VertxSettings.options();
    Vertx service = Vertx.vertx(serviceOptions);
    // The AOF is switched on and off between phases: only on a Redis of the harness's own.
    BenchRedis ownRedis = options.durability.contains("aof") ? new BenchRedis(freePort()) : null;
    AppConfig config = benchConfig(ConfigLoader.load(service).await(), ownRedis);

    System.out.printf("bench: %,d students, %,d sections × %d seats, skew %.2f, %d connections, %d s per phase, %d event loops%n",
      options.students, options.sections, options.seats, options.skew, options.connections, options.duration.toSeconds(),
      serviceOptions.getEventLoopPoolSize());
    Redis redisClient = Stores.redis(service, config);
    RedisAPI redis = RedisAPI.api(redisClient);
    redis.flushdb(List.of()).await();
    SyntheticTerm term = service.executeBlocking(() -> SyntheticTerm.create(config, options)).await();
    Main main = new Main(service, serviceOptions.getEventLoopPoolSize());
    main.start(config).await();
    heap.start();

    Vertx generator = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    HttpClient client = generator.createHttpClient(new HttpClientOptions().setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(options.connections));
    List<String> tokens = login(generator, client, "localhost", config.httpPort(), term.students, options);
    writeTokens(options.tokens, tokens);
    if (options.hold) {
      System.out.printf("holding: the service listens on http://localhost:%d with sections %d … %d; tokens in %s.%n"
          + "  wrk -t2 -c%d -d30s -s bin/wrk-select.lua http://localhost:%d -- %s %d %d%nCtrl-C stops.%n",
        config.httpPort(), term.sections.get(0), term.sections.get(term.sections.size() - 1), options.tokens,
        options.connections, config.httpPort(), options.tokens, term.sections.get(0),
        term.sections.get(term.sections.size() - 1));
      Runtime.getRuntime().addShutdownHook(new Thread(main::shutdown));
      Thread.currentThread().join();
    }

    int baselinePort = config.json().getInteger("baselinePort");
    service.deployVerticle(Baselines.class, new DeploymentOptions().setConfig(config.json())
      .setInstances(serviceOptions.getEventLoopPoolSize())).await();
    LoadDriver baseline = new LoadDriver(generator, client, "localhost", baselinePort, options.connections);
    LoadDriver api = new LoadDriver(generator, client, "localhost", config.httpPort(), options.connections);

    ScriptCost scriptCost = new ScriptCost(redis);
    LoadDriver.Result hello = baseline.run("baseline hello", () -> new LoadDriver.Request(HttpMethod.GET, "/hello",
      null, null, "hello", null), options.warmup, options.duration, scriptCost);
    SelectionMix students = new SelectionMix(tokens, term.sections, options.skew, term.termId);
    List<BenchReport.ModeResult> modes = new ArrayList<>();
    LoadDriver.Result mix = null;
    for (String mode : options.durability) {
      if (ownRedis != null) BenchRedis.switchTo(redis, mode);
      Durability.parse(mode).verify(redisClient, false, "the bench's Redis").await();
      System.out.printf("durability=%s%n", mode);
      LoadDriver.Result evalsha = baseline.run("baseline EVALSHA " + mode, () -> new LoadDriver.Request(HttpMethod.POST,
        "/enrol", Buffer.buffer("{}"), null, "enrol", null), options.warmup, options.duration, scriptCost);
      PersistenceLag.sinceLastCall();
      LoadDriver.Result selection = api.run("selection route " + mode, students.use(SelectionMix.SELECTS_ONLY),
        options.warmup, options.duration, scriptCost);
      Histogram selectionLag = PersistenceLag.sinceLastCall();
      LoadDriver.Result writeHeavy = api.run("write-heavy " + mode, students.use(SelectionMix.WRITE_HEAVY),
        options.warmup, options.duration, scriptCost);
      Histogram writeLag = PersistenceLag.sinceLastCall();
      if (mix == null) {
        mix = api.run("stampede mix " + mode, students.use(SelectionMix.STAMPEDE), options.warmup, options.duration,
          scriptCost);
      }
      modes.add(new BenchReport.ModeResult(mode, evalsha, selection, writeHeavy, selectionLag, writeLag));
      Persister.awaitDrained(service, redis, new TermKeys(term.termId), 120_000).await();
    }

    System.out.println("  draining the persister and auditing the invariants …");
    Persister.awaitDrained(service, redis, new TermKeys(term.termId), 120_000).await();
    Pool mysql = Stores.mysql(service, config);
    Catalog catalog = new Catalog(mysql);
    catalog.reload().await();
    List<String> violations = new Audit(redis, mysql, catalog).run(term.termId).await();
    heap.stop();

    BenchReport report = new BenchReport(options, hello, modes, mix, violations, blocked.count(),
      heap.maxMb(), heap.maxAfterGcMb(), tokens.size());
    report.print();
    if (options.json != null) report.writeJson(Path.of(options.json));
    if (options.html != null) report.writeHtml(Path.of(options.html));

    client.close();
    generator.close().await();
    main.shutdown();
    if (ownRedis != null) ownRedis.close();
    System.exit(violations.isEmpty() ? 0 : 1);
  }

  /** The service's config with the harness's own database, Redis db (on its own Redis, if any) and ports. */
  private static AppConfig benchConfig(AppConfig base, BenchRedis ownRedis) throws IOException {
    String redisUrl = ownRedis != null ? ownRedis.url(BENCH_REDIS_DB)
      : base.redisUrl().replaceAll("/\\d+$", "") + "/" + BENCH_REDIS_DB;
    return new AppConfig(base.json().copy()
      .put("mysqlDatabase", base.mysqlDatabase() + "_bench")
      .put("redisUrl", redisUrl)
      .put("httpPort", freePort())
      .put("baselinePort", freePort())
      .put("demo", false)
      .put("instanceId", "bench")
      // The phases switch the Redis's mode under the running service; each phase checks it.
      .put("durability", "memory")
      // Sessions end at local midnight by default; a run must not be logged out halfway.
      .put("sessionTtl", "PT12H")
      .put("hashThreads", Runtime.getRuntime().availableProcessors())
      .put("redisPoolSize", Math.max(base.redisPoolSize(), 32)));
  }

  /** Every student logs in through the real login route, one login in flight per connection. */
  static List<String> login(Vertx generator, HttpClient client, String host, int port, List<String> students,
                            BenchOptions options) {
    long start = System.nanoTime();
    String[] tokens = new String[students.size()];
    AtomicLong next = new AtomicLong();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < Math.min(options.connections, students.size()); i++) {
      Promise<Void> done = Promise.promise();
      generator.runOnContext(v -> loginNext(client, host, port, students, tokens, next, done));
      loops.add(done.future());
    }
    Future.all(loops).await();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("  %,d logins through POST /api/auth/login in %.1f s (%,.0f/s)%n", students.size(), seconds,
      students.size() / seconds);
    return List.of(tokens);
  }

  private static void loginNext(HttpClient client, String host, int port, List<String> students, String[] tokens,
                                AtomicLong next, Promise<Void> done) {
    int n = (int) next.getAndIncrement();
    if (n >= students.size()) {
      done.complete();
      return;
    }
    client.request(HttpMethod.POST, port, host, "/api/auth/login")
      .compose(req -> req.putHeader("Content-Type", "application/json")
        .send(new JsonObject().put("studentId", students.get(n)).put("password", SyntheticTerm.PASSWORD).toBuffer()))
      .compose(res -> res.body().map(body -> {
        if (res.statusCode() != 200) throw new IllegalStateException("login of " + students.get(n) + ": " + body);
        return body.toJsonObject().getString("token");
      }))
      .onSuccess(token -> {
        tokens[n] = token;
        loginNext(client, host, port, students, tokens, next, done);
      })
      .onFailure(done::fail);
  }

  private static void writeTokens(String file, List<String> tokens) throws IOException {
    Path path = Path.of(file);
    if (path.getParent() != null) Files.createDirectories(path.getParent());
    Files.write(path, tokens);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * The largest heap in use (garbage included) and the largest heap left after a collection (what
   * the data needs), sampled every 100 ms on a thread of its own. Both include the load generator.
   */
  static final class HeapSampler {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong max = new AtomicLong();
    private final AtomicLong maxAfterGc = new AtomicLong();
    private volatile boolean running;

    void start() {
      running = true;
      Thread thread = new Thread(() -> {
        while (running) {
          max.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
          long afterGc = 0;
          for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
              afterGc += pool.getCollectionUsage().getUsed();
            }
          }
          maxAfterGc.accumulateAndGet(afterGc, Math::max);
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "bench-heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      running = false;
    }

    long maxMb() {
      return max.get() / (1024 * 1024);
    }

    long maxAfterGcMb() {
      return maxAfterGc.get() / (1024 * 1024);
    }
  }
}
