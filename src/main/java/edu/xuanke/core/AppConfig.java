package edu.xuanke.core;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
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
    if (template instanceof JsonArray) return new JsonArray(List.of(text.split("\\s*,\\s*")));
    return text;
  }

  public JsonObject json() { return json; }

  public int httpPort() { return json.getInteger("httpPort", 8080); }
  public long httpBodyLimit() { return json.getLong("httpBodyLimit", 65536L); }
  /** The address the HTTP listener binds (0.0.0.0: every interface). */
  public String httpHost() { return json.getString("httpHost", "0.0.0.0"); }
  /** A new connection that has not sent a complete request head in this time is closed. */
  public Duration httpHeaderTimeout() { return Duration.ofSeconds(json.getLong("httpHeaderTimeoutSeconds", 10L)); }
  /** A connection with no traffic, or kept alive without a next request, this long is closed. */
  public Duration httpIdleTimeout() { return Duration.ofSeconds(json.getLong("httpIdleTimeoutSeconds", 60L)); }
  /** A request whose body has not fully arrived this long after its head is dropped with its connection. */
  public Duration httpBodyTimeout() { return Duration.ofSeconds(json.getLong("httpBodyTimeoutSeconds", 120L)); }
  /** 0: GET /metrics is served on the HTTP port; else on this port (and {@link #metricsHost}) only. */
  public int metricsPort() { return json.getInteger("metricsPort", 0); }
  public String metricsHost() { return json.getString("metricsHost", "127.0.0.1"); }
  /** Non-empty: GET /metrics needs {@code Authorization: Bearer <this token>}. */
  public String metricsToken() { return json.getString("metricsToken", ""); }
  public String mysqlHost() { return json.getString("mysqlHost", "127.0.0.1"); }
  public int mysqlPort() { return json.getInteger("mysqlPort", 3306); }
  public String mysqlUser() { return json.getString("mysqlUser", "root"); }
  public String mysqlPassword() { return json.getString("mysqlPassword", ""); }
  public String mysqlDatabase() { return json.getString("mysqlDatabase", "xuanke"); }
  public int mysqlPoolSize() { return json.getInteger("mysqlPoolSize", 8); }
  /** Callers that may wait for a MySQL connection of one pool; more fail at once (503). */
  public int mysqlPoolWaiting() { return json.getInteger("mysqlPoolWaiting", 512); }
  /** How long a caller waits for a MySQL connection before it fails (503); below the event-bus timeout. */
  public long mysqlPoolWaitMs() { return json.getLong("mysqlPoolWaitMs", 5000L); }
  public String redisUrl() { return json.getString("redisUrl", "redis://127.0.0.1:6379/0"); }
  public int redisPoolSize() { return json.getInteger("redisPoolSize", 16); }
  /** "standalone" (redisUrl) or "cluster" (Redis Cluster, seeded from redisNodes). */
  public boolean redisCluster() { return "cluster".equalsIgnoreCase(json.getString("redisType", "standalone").trim()); }
  /** redis:// URLs of some Redis Cluster nodes; the client learns the rest from them. */
  public List<String> redisNodes() { return list("redisNodes"); }
  /** Calls that may wait for a connection of one Redis pool; more fail at once (503). */
  public int redisPoolWaiting() { return json.getInteger("redisPoolWaiting", 2048); }
  public String jwtSecret() { return json.getString("jwtSecret", ""); }
  public String jwtSecretFile() { return json.getString("jwtSecretFile", ".xuanke/jwt-secret"); }
  public int passwordIterations() { return json.getInteger("passwordIterations", 210000); }

  /** Threads that hash passwords; 0: one fewer than the cores, so logins never starve the event loops. */
  public int hashThreads() {
    int configured = json.getInteger("hashThreads", 0);
    return configured > 0 ? configured : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
  }

  /** Password hashes queued or running (per instance) beyond which logins are refused at once with 503. */
  public int hashQueueLimit() { return json.getInteger("hashQueueLimit", 400 * hashThreads()); }

  /** "midnight" (sessions end at the next local midnight) or an ISO-8601 duration such as PT12H. */
  public String sessionTtl() { return json.getString("sessionTtl", "midnight"); }
  public int loginFailureLimit() { return json.getInteger("loginFailureLimit", 5); }
  /** Failed logins from one client IP across all accounts per window (password spraying). */
  public int loginFailureLimitPerIp() { return json.getInteger("loginFailureLimitPerIp", 500); }
  public Duration loginFailureWindow() { return Duration.ofSeconds(json.getLong("loginFailureWindowSeconds", 900L)); }
  /** Addresses whose X-Forwarded-For header is believed. */
  public List<String> trustedProxies() { return list("trustedProxies"); }
  public Duration emailCodeTtl() { return Duration.ofSeconds(json.getLong("emailCodeTtlSeconds", 120L)); }
  public Duration emailCodeInterval() { return Duration.ofSeconds(json.getLong("emailCodeIntervalSeconds", 60L)); }
  public int emailCodeDailyLimit() { return json.getInteger("emailCodeDailyLimit", 5); }
  public Duration emailCodeWindow() { return Duration.ofSeconds(json.getLong("emailCodeWindowSeconds", 86400L)); }
  public Duration activationTtl() { return Duration.ofHours(json.getLong("activationTtlHours", 24L)); }
  public String phonePattern() { return json.getString("phonePattern", "^1\\d{10}$"); }
  public List<String> colleges() {
    JsonArray colleges = json.getJsonArray("colleges", new JsonArray());
    return colleges.stream().map(String::valueOf).toList();
  }
  public boolean demo() { return json.getBoolean("demo", false); }
  public String demoPassword() { return json.getString("demoPassword", ""); }
  public ZoneId timeZone() { return ZoneId.of(json.getString("timeZone", "Asia/Shanghai")); }
  public int persisterBatchSize() { return json.getInteger("persisterBatchSize", 4000); }

  /**
   * How an answered selection is kept before it reaches MySQL: {@link Durability#AOF} (the default;
   * Redis appends and fsyncs each write before it replies), {@link Durability#REPLICA} (AOF, and the
   * answers of each pipelined batch wait for a replica's acknowledgement) or {@link Durability#MEMORY}
   * (Redis's memory only: a Redis crash loses what the persister had not yet written).
   */
  public Durability durability() { return Durability.parse(json.getString("durability", "aof")); }
  /**
   * How long a batch of answers waits for the replica's acknowledgement in {@link Durability#REPLICA}
   * mode (at most half of redisTimeoutMs, which bounds the wait too).
   */
  public long replicaWaitMs() { return json.getLong("replicaWaitMs", 500L); }
  /** Longest wait for a Redis reply before a request is answered 503 UNAVAILABLE. */
  public long redisTimeoutMs() { return json.getLong("redisTimeoutMs", 800L); }
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

  /** Whether this node joins the others on a clustered event bus (Hazelcast); false: one process on its own. */
  public boolean cluster() { return json.getBoolean("cluster", false); }
  /** The address this node's Hazelcast member and event bus bind to. */
  public String clusterHost() { return json.getString("clusterHost", "127.0.0.1"); }
  /** This node's Hazelcast port. */
  public int clusterPort() { return json.getInteger("clusterPort", 5701); }
  /** host:port of every member (this one may be among them), each listed: Hazelcast takes no port ranges here. */
  public List<String> clusterMembers() { return list("clusterMembers"); }
  /** Seconds without a heartbeat after which a member is taken as dead (Hazelcast's default is 60). */
  public int clusterHeartbeatSeconds() { return json.getInteger("clusterHeartbeatSeconds", 10); }

  /** A comma-separated setting (a JSON array in the file works too). */
  private List<String> list(String key) {
    Object value = json.getValue(key);
    List<String> items = value instanceof JsonArray array ? array.stream().map(String::valueOf).toList()
      : List.of(String.valueOf(value == null ? "" : value).split(","));
    return items.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public String smtpHost() { return json.getString("smtpHost", ""); }
  public int smtpPort() { return json.getInteger("smtpPort", 25); }
  public String mailFrom() { return json.getString("mailFrom", "xuanke@localhost"); }
  /** NONE, STARTTLS (when offered), REQUIRED (STARTTLS or fail) or TLS (implicit, e.g. port 465). */
  public String smtpTls() { return json.getString("smtpTls", "NONE"); }
  public String smtpUser() { return json.getString("smtpUser", ""); }
  public String smtpPassword() { return json.getString("smtpPassword", ""); }
  public int mailMaxAttempts() { return json.getInteger("mailMaxAttempts", 8); }
  public long mailRetryBaseMs() { return json.getLong("mailRetryBaseMs", 2000L); }
  /**
   * Empty (the default): imported students get a random one-time password. Set, their first
   * password is this prefix + studentId, as the school's old system did: guessable, so opt-in only.
   */
  public String initialPasswordPrefix() { return json.getString("initialPasswordPrefix", ""); }
  /** Whether imported new students with an email are also mailed an activation link (to set their own password). */
  public boolean importActivationMail() { return json.getBoolean("importActivationMail", false); }
  /** The largest student file an admin may upload. */
  public long importFileLimit() { return json.getLong("importFileLimit", 20L * 1024 * 1024); }
  public String publicBaseUrl() { return json.getString("publicBaseUrl", "http://localhost:8080"); }
}
