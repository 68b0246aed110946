package edu.xuanke.core;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Reads conf/config.json (or the file named by XUANKE_CONFIG) and the environment with
 * vertx-config, and applies the XUANKE_* overrides (see {@link AppConfig#merge}).
 */
public final class ConfigLoader {

  private ConfigLoader() {
  }

  public static Future<AppConfig> load(Vertx vertx) {
    String path = System.getenv().getOrDefault("XUANKE_CONFIG", "conf/config.json");
    Future<JsonObject> file = read(vertx, new ConfigStoreOptions().setType("file").setFormat("json")
      .setConfig(new JsonObject().put("path", path)));
    Future<JsonObject> env = read(vertx, new ConfigStoreOptions().setType("env")
      .setConfig(new JsonObject().put("raw-data", true)));
    return Future.all(file, env).map(both -> new AppConfig(AppConfig.merge(file.result(), env.result())));
  }

  private static Future<JsonObject> read(Vertx vertx, ConfigStoreOptions store) {
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions().addStore(store));
    return retriever.getConfig().eventually(() -> {
      retriever.close();
      return Future.succeededFuture();
    });
  }
}
