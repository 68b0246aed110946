package edu.xuanke.course;

import edu.xuanke.core.RedisScript;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The selection scripts under src/main/resources/lua, each with lua/lib.lua prepended. */
public final class Scripts {

  public enum Script { SELECT, DROP, SWAP }

  private final RedisAPI redis;
  private final Map<Script, RedisScript> scripts = new EnumMap<>(Script.class);

  public Scripts(RedisAPI redis) {
    this.redis = redis;
    for (Script script : Script.values()) {
      scripts.put(script, RedisScript.fromResources("lua/lib.lua", "lua/" + script.name().toLowerCase() + ".lua"));
    }
  }

  public Future<Void> load() {
    List<Future<Void>> loads = new ArrayList<>();
    scripts.values().forEach(script -> loads.add(script.load(redis)));
    return Future.all(loads).mapEmpty();
  }

  public Future<Response> run(Script script, List<String> keys, String... args) {
    return scripts.get(script).run(redis, keys, args);
  }
}
