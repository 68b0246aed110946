package edu.xuanke.course;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The selection scripts under src/main/resources/lua, each with lib.lua prepended. They are
 * loaded with SCRIPT LOAD, run with EVALSHA, and loaded again when Redis answers NOSCRIPT
 * (after a restart or SCRIPT FLUSH).
 */
public final class Scripts {

  public enum Script { SELECT, DROP, SWAP }

  private final RedisAPI redis;
  private final Map<Script, String> sources = new EnumMap<>(Script.class);
  private final Map<Script, String> shas = new EnumMap<>(Script.class);

  public Scripts(RedisAPI redis) {
    this.redis = redis;
    String lib = resource("lua/lib.lua");
    for (Script script : Script.values()) {
      String source = lib + "\n" + resource("lua/" + script.name().toLowerCase() + ".lua");
      sources.put(script, source);
      shas.put(script, sha1(source));
    }
  }

  /** Loads every script; Redis answers with the same SHA-1 computed here. */
  public Future<Void> load() {
    List<Future<Response>> loads = new ArrayList<>();
    for (String source : sources.values()) {
      loads.add(redis.script(List.of("LOAD", source)));
    }
    return Future.all(loads).mapEmpty();
  }

  public Future<Response> run(Script script, List<String> keys, String... args) {
    List<String> call = new ArrayList<>(2 + keys.size() + args.length);
    call.add(shas.get(script));
    call.add(Integer.toString(keys.size()));
    call.addAll(keys);
    call.addAll(List.of(args));
    return redis.evalsha(call).recover(failure -> {
      if (failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT")) {
        return load().compose(loaded -> redis.evalsha(call));
      }
      return Future.failedFuture(failure);
    });
  }

  private static String resource(String path) {
    try (InputStream in = Scripts.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("missing resource " + path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String source) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
