package edu.xuanke.support;

import edu.xuanke.core.Poll;
import edu.xuanke.core.Replies;
import edu.xuanke.Main;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.VertxSettings;
import edu.xuanke.core.Stores;
import edu.xuanke.course.Audit;
import edu.xuanke.course.Catalog;
import edu.xuanke.course.LiveState;
import edu.xuanke.course.Persister;
import edu.xuanke.course.TermKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The whole service started in-process on the test database and Redis db, plus what tests use
 * to talk to it and to look behind it: an HTTP client, Redis, MySQL, drain and audit.
 * Tests block on futures with {@code await()} from the JUnit thread, never an event loop.
 */
public final class Service implements AutoCloseable {

  public final Vertx vertx;
  public final AppConfig config;
  public final WebClient http;
  public final RedisAPI redis;
  public final Pool mysql;
  private final AppConfig directConfig;
  private Main main;

  public Service(JsonObject config) {
    this(config, config);
  }

  /**
   * @param config the service's settings
   * @param direct settings the test's own look-behind clients use (e.g. the stores themselves
   *               while the service reaches them through a {@link TcpProxy})
   */
  public Service(JsonObject config, JsonObject direct) {
    this.vertx = Vertx.vertx(VertxSettings.options());
    this.config = new AppConfig(config);
    AppConfig directConfig = new AppConfig(direct);
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost")
      .setDefaultPort(this.config.httpPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(600));
    this.redis = RedisAPI.api(Stores.redis(vertx, directConfig));
    this.mysql = Stores.mysql(vertx, directConfig);
    this.directConfig = directConfig;
  }

  /** A clean database (migrated) and Redis db; the caller adds data, then {@link #start}s. */
  public Fixture freshStores() throws Exception {
    redis.flushdb(List.of()).await();
    return Fixture.fresh(directConfig);
  }

  /** Starts the service and waits until the live terms' state is loaded (the service loads them in the background). */
  public Service start() {
    startWithoutWaiting();
    Poll.until(vertx, this::liveTermsReady, 50, 60_000, "the live terms are loaded").await();
    return this;
  }

  /** Starts the service; the live terms are still being loaded when this returns. */
  public Service startWithoutWaiting() {
    main = new Main(vertx);
    main.start(config).await();
    return this;
  }

  private Future<Boolean> liveTermsReady() {
    return mysql.query("SELECT id FROM terms WHERE retired = FALSE"
        + " AND (selection_closes_at > UTC_TIMESTAMP() OR drop_closes_at > UTC_TIMESTAMP())").execute()
      .compose(rows -> {
        List<Future<Response>> ready = new ArrayList<>();
        rows.forEach(row -> ready.add(redis.hget(new TermKeys(row.getLong("id")).term(), "ready")));
        return Future.all(ready).map(all -> ready.stream().allMatch(r -> r.result() != null));
      });
  }

  /** Undeploys everything as SIGTERM would; {@link #start} may be called again. */
  public void stop() {
    if (main != null) {
      main.undeployAll().await();
      main = null;
    }
  }

  public String login(String studentId) {
    HttpResponse<Buffer> response = http.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("studentId", studentId).put("password", Fixture.PASSWORD)).await();
    if (response.statusCode() != 200) throw new AssertionError("login of " + studentId + ": " + response.bodyAsString());
    return response.bodyAsJsonObject().getString("token");
  }

  public Future<HttpResponse<Buffer>> select(String token, long sectionId, boolean waitlist) {
    return http.post("/api/selections").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("sectionId", sectionId).put("waitlist", waitlist));
  }

  public Future<HttpResponse<Buffer>> drop(String token, long sectionId) {
    return http.delete("/api/selections/" + sectionId).bearerTokenAuthentication(token).send();
  }

  public Future<HttpResponse<Buffer>> leaveWaitlist(String token, long sectionId) {
    return http.delete("/api/waitlist/" + sectionId).bearerTokenAuthentication(token).send();
  }

  public Future<HttpResponse<Buffer>> swap(String token, long from, long to) {
    return http.post("/api/selections/swap").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("from", from).put("to", to));
  }

  /** The error code of an API error answer. */
  public static String errorCode(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("code");
  }

  public void drain(long termId) {
    Persister.awaitDrained(vertx, redis, new TermKeys(termId), 30_000).await();
  }

  /** Violations of the invariants (README, "Invariants") in Redis and MySQL; drains the persister first. */
  public List<String> audit(long termId) {
    drain(termId);
    Catalog catalog = new Catalog(mysql);
    catalog.reload().await();
    return new Audit(redis, mysql, catalog).run(termId).await();
  }

  /** Every key of the term with its content, for before/after comparisons. */
  public Map<String, String> snapshot(long termId) {
    TermKeys keys = new TermKeys(termId);
    Map<String, String> out = new TreeMap<>();
    Response found = redis.keys(keys.pattern()).await();
    for (Response key : found) {
      String name = key.toString();
      // Refusal counts are the dashboard's telemetry, flushed on a timer: not selection state.
      if (name.equals(keys.refusals())) continue;
      String type = redis.type(name).await().toString();
      Response value = switch (type) {
        case "hash" -> redis.hgetall(name).await();
        case "set" -> redis.smembers(name).await();
        case "zset" -> redis.zrange(List.of(name, "0", "-1", "WITHSCORES")).await();
        case "stream" -> redis.xlen(name).await();
        default -> redis.get(name).await();
      };
      out.put(name, type + ":" + canonical(type, value));
    }
    return out;
  }

  private static String canonical(String type, Response value) {
    if (value == null) return "nil";
    if (type.equals("hash")) return new TreeMap<>(Replies.hash(value)).toString();
    if (type.equals("set")) {
      TreeSet<String> members = new TreeSet<>();
      value.forEach(m -> members.add(m.toString()));
      return members.toString();
    }
    return value.toString();
  }

  @Override
  public void close() {
    stop();
    vertx.close().await();
  }
}
