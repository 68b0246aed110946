package edu.xuanke.core;

import io.vertx.core.json.JsonObject;

import java.time.ZoneId;
import java.util.Locale;

/**
 * The service's settings: the keys of conf/config.json, each overridable by an environment
 * variable named XUANKE_ plus the key in upper snake case (httpPort → XUANKE_HTTP_PORT).
 * Verticles receive the merged JSON as their deployment config and read it through this class.
 */
public final class AppConfig {

  private final JsonObject json;

  public AppConfig(JsonObject json) {
    this.json = json;
  }

  /** Applies XUANKE_* overrides from {@code env} to the keys present in {@code file}. */
  public static JsonObject merge(JsonObject file, JsonObject env) {
    JsonObject merged = file.copy();
    for (String key : file.fieldNames()) {
      Object override = env.getValue(envName(key));
      if (override != null) {
        merged.put(key, coerce(override, file.getValue(key)));
      }
    }
    return merged;
  }

  public static String envName(String key) {
    return "XUANKE_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  private static Object coerce(Object value, Object template) {
    String text = String.valueOf(value);
    if (template instanceof Boolean) return Boolean.parseBoolean(text);
    if (template instanceof Integer) return Integer.parseInt(text.trim());
    if (template instanceof Long) return Long.parseLong(text.trim());
    return text;
  }

  public JsonObject json() { return json; }

  public int httpPort() { return json.getInteger("httpPort", 8080); }
  public long httpBodyLimit() { return json.getLong("httpBodyLimit", 65536L); }
  public String mysqlHost() { return json.getString("mysqlHost", "127.0.0.1"); }
  public int mysqlPort() { return json.getInteger("mysqlPort", 3306); }
  public String mysqlUser() { return json.getString("mysqlUser", "root"); }
  public String mysqlPassword() { return json.getString("mysqlPassword", ""); }
  public String mysqlDatabase() { return json.getString("mysqlDatabase", "xuanke"); }
  public int mysqlPoolSize() { return json.getInteger("mysqlPoolSize", 8); }
  public String redisUrl() { return json.getString("redisUrl", "redis://127.0.0.1:6379/0"); }
  public int redisPoolSize() { return json.getInteger("redisPoolSize", 16); }
  public String jwtSecret() { return json.getString("jwtSecret", ""); }
  public String jwtSecretFile() { return json.getString("jwtSecretFile", ".xuanke/jwt-secret"); }
  public int tokenTtlHours() { return json.getInteger("tokenTtlHours", 12); }
  public int passwordIterations() { return json.getInteger("passwordIterations", 210000); }
  public boolean demo() { return json.getBoolean("demo", false); }
  public String demoPassword() { return json.getString("demoPassword", ""); }
  public ZoneId timeZone() { return ZoneId.of(json.getString("timeZone", "Asia/Shanghai")); }
  public int persisterBatchSize() { return json.getInteger("persisterBatchSize", 500); }
  /** Names this instance's stream consumer; a restarted instance must keep its name to finish its pending work. */
  public String instanceId() {
    String id = json.getString("instanceId", "");
    if (!id.isBlank()) return id;
    try {
      return java.net.InetAddress.getLocalHost().getHostName() + "-" + httpPort();
    } catch (java.net.UnknownHostException e) {
      return "xuanke-" + httpPort();
    }
  }

  public String smtpHost() { return json.getString("smtpHost", ""); }
  public int smtpPort() { return json.getInteger("smtpPort", 25); }
  public String mailFrom() { return json.getString("mailFrom", "xuanke@localhost"); }
}
