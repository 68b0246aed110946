package edu.xuanke.course;

import edu.xuanke.auth.AuthService;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.Stores;
import edu.xuanke.course.impl.CatalogServiceImpl;
import edu.xuanke.course.impl.SelectionServiceImpl;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.serviceproxy.ServiceBinder;
import io.vertx.sqlclient.Pool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The course domain: the catalog, the selection scripts and each live term's persister.
 * Registers {@link SelectionService} and {@link CatalogService} on the event bus.
 */
public class CourseVerticle extends VerticleBase {

  private static final long DRAIN_ON_STOP_MS = 5_000;

  private Pool mysql;
  private Redis redis;
  private final List<Persister> persisters = new ArrayList<>();
  private final List<MessageConsumer<JsonObject>> services = new ArrayList<>();

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    mysql = Stores.mysql(vertx, config);
    redis = Stores.redis(vertx, config);
    RedisAPI api = RedisAPI.api(redis);
    Scripts scripts = new Scripts(api);
    Catalog catalog = new Catalog(mysql);
    TermLoader loader = new TermLoader(vertx, redis, mysql, catalog, AuthService.createProxy(vertx));
    LiveState live = new LiveState(api, scripts, loader);

    return Future.all(scripts.load(), catalog.reload())
      .compose(v -> startLiveTerms(config, catalog, loader))
      .onSuccess(v -> {
        ServiceBinder binder = new ServiceBinder(vertx);
        services.add(binder.setAddress(SelectionService.ADDRESS)
          .register(SelectionService.class, new SelectionServiceImpl(catalog, live, config.timeZone())));
        services.add(binder.setAddress(CatalogService.ADDRESS)
          .register(CatalogService.class, new CatalogServiceImpl(catalog, live, mysql, config.timeZone())));
      });
  }

  /** Each term still in its selection or drop window gets a persister and its live state. */
  private Future<Void> startLiveTerms(AppConfig config, Catalog catalog, TermLoader loader) {
    Instant now = Instant.now();
    List<Future<Void>> started = new ArrayList<>();
    for (Catalog.Term term : catalog.terms()) {
      if (!term.liveAt(now)) continue;
      Persister persister = new Persister(vertx, redis, mysql, new TermKeys(term.id()), config.instanceId(),
        config.persisterBatchSize());
      persisters.add(persister);
      started.add(persister.start().compose(v -> loader.ensureLoaded(term.id())));
    }
    return Future.all(started).mapEmpty();
  }

  /** Stops taking requests, lets the persisters write what is in the streams, then stops them. */
  @Override
  public Future<?> stop() {
    List<Future<Void>> unregistered = new ArrayList<>();
    services.forEach(consumer -> unregistered.add(consumer.unregister()));
    RedisAPI api = RedisAPI.api(redis);
    return Future.join(unregistered)
      .compose(v -> Future.join(persisters.stream()
        .map(p -> Persister.awaitDrained(vertx, api, p.keys(), DRAIN_ON_STOP_MS)).toList()))
      .eventually(() -> Future.join(persisters.stream().map(Persister::stop).toList()))
      .eventually(() -> mysql.close())
      .eventually(() -> {
        redis.close();
        return Future.succeededFuture();
      });
  }
}
