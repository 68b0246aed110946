package edu.xuanke;

import edu.xuanke.admin.AdminVerticle;
import edu.xuanke.auth.AuthVerticle;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.Cluster;
import edu.xuanke.core.ConfigLoader;
import edu.xuanke.core.Migrations;
import edu.xuanke.core.Secrets;
import edu.xuanke.core.Stores;
import edu.xuanke.core.VertxSettings;
import edu.xuanke.course.CourseVerticle;
import edu.xuanke.course.PersisterVerticle;
import edu.xuanke.course.PromotionNotifier;
import edu.xuanke.demo.DemoData;
import edu.xuanke.http.HttpVerticle;
import edu.xuanke.mail.MailVerticle;
import edu.xuanke.round.RoundVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts xuanke: reads the config, migrates the database, seeds demo data when asked, and
 * deploys the verticles. On SIGTERM it undeploys them in reverse order: HTTP first (no new
 * requests, in-flight ones finish), the node's persister after the course instances (what was accepted
 * gets written).
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);
  private final Vertx vertx;
  /** The HTTP, auth and course verticles run one instance per event loop; mail and admin need one. */
  private final int eventLoops;
  private final Deque<String> deployments = new ArrayDeque<>();

  public Main(Vertx vertx) {
    this(vertx, VertxSettings.options().getEventLoopPoolSize());
  }

  public Main(Vertx vertx, int eventLoops) {
    this.vertx = vertx;
    this.eventLoops = eventLoops;
  }

  /** The service; the bench harness has its own entry points ({@code edu.xuanke.bench.Bench}, {@code AdminBench}, {@code LotteryBench}). */
  public static void main(String[] args) throws InterruptedException {
    VertxOptions options = VertxSettings.options();
    AppConfig config = readConfig();
    Vertx vertx;
    try {
      vertx = config.cluster()
        ? Cluster.join(options, config).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS)
        : Vertx.vertx(options);
    } catch (RuntimeException | ExecutionException | TimeoutException e) {
      log.error("xuanke could not start: {}", e instanceof ExecutionException ? e.getCause() : e.getMessage());
      System.exit(1);
      return;
    }
    Main main = new Main(vertx, options.getEventLoopPoolSize());
    main.start(config)
      .onSuccess(started -> log.info("xuanke is listening on http://localhost:{} (native transport: {}, clustered: {})",
        started.httpPort(), vertx.isNativeTransportEnabled(), vertx.isClustered()))
      .onFailure(failure -> {
        log.error("xuanke could not start", failure);
        // Not on this event loop: exit waits for the shutdown hook, which needs the loops.
        new Thread(() -> System.exit(1), "xuanke-exit").start();
      });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> main.shutdown(), "xuanke-shutdown"));
  }

  /**
   * The settings, read before the service's Vert.x exists: whether it is clustered is one of
   * them. A short-lived Vert.x runs vertx-config.
   */
  private static AppConfig readConfig() throws InterruptedException {
    Vertx reader = Vertx.vertx();
    try {
      return ConfigLoader.load(reader).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the configuration", e);
    } finally {
      reader.close();
    }
  }

  /** Migrates, seeds and deploys; the returned config carries the resolved secrets. */
  public Future<AppConfig> start(AppConfig loaded) {
    return vertx.executeBlocking(() -> {
        Cluster.requireSharedSecret(loaded);
        AppConfig config = new AppConfig(Secrets.withJwtSecret(loaded));
        Migrations.migrate(config);
        return config;
      })
      .compose(config -> verifyDurability(config).map(config))
      .compose(config -> (config.demo() ? seedDemo(config) : Future.<Void>succeededFuture()).map(config))
      .compose(config -> deploy(AuthVerticle.class, config, eventLoops)
        .compose(v -> deploy(new PersisterVerticle(), config))
        .compose(v -> deploy(CourseVerticle.class, config, eventLoops))
        .compose(v -> deploy(new MailVerticle(), config))
        .compose(v -> deploy(new PromotionNotifier(), config))
        .compose(v -> deploy(new AdminVerticle(), config))
        .compose(v -> deploy(new RoundVerticle(), config))
        .compose(v -> deploy(HttpVerticle.class, config, eventLoops))
        .map(config));
  }

  /** Refuses to start on a Redis that keeps less than the configured durability promises. */
  private Future<Void> verifyDurability(AppConfig config) {
    Redis redis = Stores.redis(vertx, config);
    return config.durability().verify(redis, config.redisCluster(), Stores.redisAddress(config))
      .eventually(() -> {
        redis.close();
        return Future.succeededFuture();
      });
  }

  private Future<Void> seedDemo(AppConfig config) {
    Pool mysql = Stores.mysql(vertx, config);
    return new DemoData(vertx, mysql, config).seedIfEmpty()
      .onSuccess(password -> {
        if (password != null) {
          log.info("demo data seeded. Log in at http://localhost:{} as admin / {} or as a student S0001 … S{} / {}",
            config.httpPort(), password, String.format("%04d", DemoData.STUDENTS), password);
        } else {
          log.info("demo data: the database already has a term; nothing seeded");
        }
      })
      .<Void>mapEmpty()
      .eventually(mysql::close);
  }

  private Future<Void> deploy(Deployable verticle, AppConfig config) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config.json()))
      .onSuccess(deployments::push).mapEmpty();
  }

  private Future<Void> deploy(Class<? extends Deployable> verticle, AppConfig config, int instances) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config.json()).setInstances(instances))
      .onSuccess(deployments::push).mapEmpty();
  }

  /**
   * Undeploys newest first, then closes Vert.x; blocks the calling (non-Vert.x) thread until
   * done. Vert.x is closed from this thread: closed from one of its own event loops, the close
   * could not report back to a loop it had just stopped.
   */
  public void shutdown() {
    try {
      undeployAll().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("shutdown did not finish cleanly: {}", e.toString());
    }
  }

  /** Undeploys the verticles, newest first. */
  public Future<Void> undeployAll() {
    String id = deployments.poll();
    if (id == null) return Future.succeededFuture();
    return vertx.undeploy(id).recover(failure -> {
      log.warn("undeploying {} failed: {}", id, failure.getMessage());
      return Future.succeededFuture();
    }).compose(v -> undeployAll());
  }
}
