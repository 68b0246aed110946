package edu.xuanke.bench;

import edu.xuanke.core.AppConfig;
import edu.xuanke.core.RedisScript;
import edu.xuanke.core.Stores;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.redis.client.RedisAPI;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The two reference handlers the selection route is measured against in the same run:
 * GET /hello answers a constant; POST /enrol runs one EVALSHA of a small enrolment script.
 * Deployed once per event loop, like the HTTP verticle.
 */
public class Baselines extends VerticleBase {

  static final String SEATS = "bench:{b}:seats";
  static final String ROSTER = "bench:{b}:roster";
  private static final Buffer HELLO = Buffer.buffer("{\"hello\":\"xuanke\"}");
  private static final RedisScript ENROL = RedisScript.fromResources("lua/bench_enrol.lua");

  private HttpServer server;

  @Override
  public Future<?> start() {
    AppConfig config = new AppConfig(config());
    RedisAPI redis = RedisAPI.api(Stores.redis(vertx, config));
    List<String> keys = List.of(SEATS, ROSTER);
    server = vertx.createHttpServer(new HttpServerOptions().setPort(config().getInteger("baselinePort")))
      .requestHandler(request -> {
        if (request.path().equals("/hello")) {
          request.response().putHeader("Content-Type", "application/json").end(HELLO);
          return;
        }
        request.body()
          .compose(body -> ENROL.run(redis, keys, "1", Integer.toString(ThreadLocalRandom.current().nextInt(1_000_000))))
          .onSuccess(left -> request.response().setStatusCode(left.toLong() >= 0 ? 201 : 409)
            .putHeader("Content-Type", "application/json")
            .end("{\"seatsLeft\":" + left.toLong() + "}"))
          .onFailure(e -> request.response().setStatusCode(503).end());
      });
    return ENROL.load(redis).compose(v -> redis.hset(List.of(SEATS, "1", Long.toString(Long.MAX_VALUE / 2))))
      .compose(v -> server.listen());
  }
}
