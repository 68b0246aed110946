package edu.xuanke.course;

import edu.xuanke.auth.AuthService;
import edu.xuanke.auth.CohortTerms;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.Bounded;
import edu.xuanke.core.Durability;
import edu.xuanke.core.PipelinedRedis;
import edu.xuanke.core.ServiceBoundary;
import edu.xuanke.core.Stores;
import edu.xuanke.course.impl.CatalogServiceImpl;
import edu.xuanke.course.impl.CohortTermsImpl;
import edu.xuanke.course.impl.SelectionServiceImpl;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The course domain: the catalog and the selection scripts. Registers {@link SelectionService},
 * {@link CatalogService} and the accounts domain's {@link CohortTerms} on the event bus. Deployed
 * once per event loop: the event bus spreads the calls over the instances. The live terms'
 * write-behind runs once per node ({@link PersisterVerticle}).
 */
public class CourseVerticle extends VerticleBase {

  private static final long REFUSAL_FLUSH_MS = 1_000;
  /**
   * Terms loaded at once by each instance in the background after a start: hundreds of live terms
   * must not take the pools from requests (a rebuild holds a MySQL connection for its read).
   */
  private static final int LOADS_AT_ONCE = 2;
  private static final Logger log = LoggerFactory.getLogger(CourseVerticle.class);

  private Pool mysql;
  private Redis redis;
  private long refusalFlush;
  /** Ends the background loading of the terms after the start. */
  private volatile boolean stopping;
  private final List<MessageConsumer<JsonObject>> services = new ArrayList<>();

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    mysql = Stores.mysql(vertx, config);
    redis = Stores.redis(vertx, config);
    RedisAPI api = RedisAPI.api(redis);
    PipelinedRedis pipelined = new PipelinedRedis(redis, config.redisTimeoutMs(),
      config.durability() == Durability.REPLICA ? Math.min(config.replicaWaitMs(), config.redisTimeoutMs() / 2) : 0);
    Scripts scripts = new Scripts(pipelined);
    Catalog catalog = new Catalog(mysql);
    PersistedMarks marks = new PersistedMarks(vertx);
    TermLoader loader = new TermLoader(vertx, redis, config.redisCluster(), mysql, catalog, AuthService.createProxy(vertx), marks);
    // A new connection may be to a Redis that restarted on older data: check before any script runs on it.
    pipelined.beforeUse(connection -> loader.checkLoadedTerms());
    LiveState live = new LiveState(api, scripts, loader);

    return Future.all(scripts.load(), catalog.reload())
      .onSuccess(v -> loadLiveTerms(catalog, loader))
      .compose(v -> {
        RefusalCounts refusals = new RefusalCounts();
        refusalFlush = vertx.setPeriodic(REFUSAL_FLUSH_MS, t -> refusals.flush(api));
        SelectionService selection = new SelectionServiceImpl(catalog, live, config.timeZone(), refusals, mysql);
        services.add(ServiceBoundary.register(vertx, SelectionService.ADDRESS, SelectionService.class, selection));
        services.add(ServiceBoundary.register(vertx, SelectionService.addressOnThisLoop(), SelectionService.class,
          selection));
        services.add(ServiceBoundary.register(vertx, CatalogService.ADDRESS, CatalogService.class,
          new CatalogServiceImpl(catalog, live, mysql, config.timeZone(),
            new CatalogEditor(vertx, mysql, api, scripts, config.timeZone()), new Reconciliation(vertx, api, mysql),
            new Rounds(vertx, mysql, live, config.timeZone()))));
        services.add(ServiceBoundary.register(vertx, CohortTerms.ADDRESS, CohortTerms.class, new CohortTermsImpl(catalog, live)));
        services.add(vertx.eventBus().consumer(CatalogService.CHANGED_ADDRESS,
          changed -> reloadAfterEdit(catalog, loader, changed.body().getLong("termId", 0L))));
        // Started once every address is registered (cluster-wide ones included), as the other verticles.
        return Future.all(services.stream().map(MessageConsumer::completion).toList());
      });
  }

  /**
   * After an admin's edit: the in-memory catalog reloads, and a term that became live (created
   * or moved into its window) gets its live state and persister.
   */
  private Future<Void> reloadAfterEdit(Catalog catalog, TermLoader loader, long termId) {
    return catalog.reload()
      .onSuccess(v -> vertx.eventBus().publish(CatalogService.RELOADED_ADDRESS, new JsonObject().put("termId", termId),
        new DeliveryOptions().setLocalOnly(true)))
      .compose(v -> catalog.term(termId).filter(term -> term.liveAt(Instant.now()))
        .map(term -> loader.ensureLoaded(termId)).orElse(Future.succeededFuture()))
      .onFailure(failure -> log.warn("catalog reload after an edit of term {} failed: {}", termId, failure.toString()));
  }

  /**
   * Each term still in its selection or drop window gets its live state and persister, in the
   * background and a few at a time: the start does not wait for hundreds of terms, and a request
   * for a term not loaded yet loads it first (the scripts answer TERM_NOT_READY until then).
   */
  private void loadLiveTerms(Catalog catalog, TermLoader loader) {
    Instant now = Instant.now();
    List<Long> live = new ArrayList<>(catalog.terms().stream().filter(term -> term.liveAt(now)).map(Catalog.Term::id).toList());
    // Each instance in its own order: the instances (and nodes) then mostly rebuild different terms
    // rather than all waiting on the same ones.
    Collections.shuffle(live);
    long started = System.currentTimeMillis();
    Bounded.forEach(live, LOADS_AT_ONCE, termId -> stopping ? Future.succeededFuture() : loader.ensureLoaded(termId)
        .onFailure(failure -> log.warn("term {}: loading after the start failed (retried on its next request): {}",
          termId, failure.toString())))
      .onComplete(done -> log.info("{} live terms checked or loaded in {} ms", live.size(),
        System.currentTimeMillis() - started));
  }

  /** Stops taking requests; the node's persister writes what the streams hold after this. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(refusalFlush);
    List<Future<Void>> unregistered = new ArrayList<>();
    services.forEach(consumer -> unregistered.add(consumer.unregister()));
    stopping = true;
    return Future.join(unregistered)
      .eventually(() -> mysql.close())
      .eventually(() -> {
        redis.close();
        return Future.succeededFuture();
      });
  }
}
