package edu.xuanke.core;

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
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script from src/main/resources, run with EVALSHA; when Redis answers NOSCRIPT (after a
 * restart, SCRIPT FLUSH, or on a replica just promoted) it runs once with EVAL, which also
 * caches it there. Not SCRIPT LOAD then EVALSHA: SCRIPT LOAD names no key, so on Redis Cluster
 * it reaches some primary, not necessarily the one of the script's keys.
 */
public final class RedisScript {

  private final String source;
  private final String sha;

  private RedisScript(String source) {
    this.source = source;
    this.sha = sha1(source);
  }

  /** The concatenation of the given resources (a shared library first, then the script). */
  public static RedisScript fromResources(String... paths) {
    StringBuilder source = new StringBuilder();
    for (String path : paths) source.append(resource(path)).append('\n');
    return new RedisScript(source.toString());
  }

  public Future<Void> load(RedisAPI redis) {
    return redis.script(List.of("LOAD", source)).mapEmpty();
  }

  public Future<Response> run(RedisAPI redis, List<String> keys, String... args) {
    List<String> call = new ArrayList<>(2 + keys.size() + args.length);
    call.add(sha);
    call.add(Integer.toString(keys.size()));
    call.addAll(keys);
    call.addAll(List.of(args));
    return redis.evalsha(call).recover(failure -> {
      if (failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT")) {
        List<String> eval = new ArrayList<>(call);
        eval.set(0, source);
        return redis.eval(eval);
      }
      return Future.failedFuture(failure);
    });
  }

  private static String resource(String path) {
    try (InputStream in = RedisScript.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("missing resource " + path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String source) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
