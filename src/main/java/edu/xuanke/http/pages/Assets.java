package edu.xuanke.http.pages;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The pages' CSS and JS (src/main/resources/pages/static), served by the service itself (no CDN).
 * Read once, each with its content hash as ETag. Pages link them as /static/name?v=hash, which may
 * be cached for a year (a new build changes the hash); other requests revalidate with If-None-Match.
 */
final class Assets {

  /** The files under pages/static; a class path folder cannot be listed inside a jar. */
  static final List<String> FILES = List.of("app.css", "app.js", "admin.js");

  private record Asset(Buffer content, String hash, String type) {
  }

  private final Map<String, Asset> byName;

  private Assets(Map<String, Asset> byName) {
    this.byName = byName;
  }

  /** Blocking (class path reads): call on a worker thread. */
  static Assets load() {
    return new Assets(FILES.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), Assets::read)));
  }

  String url(String name) {
    Asset asset = byName.get(name);
    if (asset == null) throw new IllegalArgumentException("no asset " + name);
    return "/static/" + name + "?v=" + asset.hash();
  }

  void serve(RoutingContext ctx) {
    Asset asset = byName.get(ctx.pathParam("name"));
    if (asset == null) {
      ctx.fail(404);
      return;
    }
    String etag = "\"" + asset.hash() + "\"";
    boolean versioned = asset.hash().equals(ctx.request().getParam("v"));
    ctx.response()
      .putHeader("ETag", etag)
      .putHeader("Cache-Control", versioned ? "public, max-age=31536000, immutable" : "no-cache")
      .putHeader("X-Content-Type-Options", "nosniff");
    if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().putHeader("Content-Type", asset.type()).end(asset.content());
  }

  private static Asset read(String name) {
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream("pages/static/" + name)) {
      if (in == null) throw new IllegalStateException("missing pages/static/" + name);
      byte[] bytes = in.readAllBytes();
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
      String type = name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
      return new Asset(Buffer.buffer(bytes), hash, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
