package edu.xuanke.core;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster settings: their environment names, what they turn into, and the shared-secret rule. */
class ClusterSettingsUnitTest {

  private static JsonObject file() throws Exception {
    return new JsonObject(Files.readString(Path.of("conf/config.json")));
  }

  @Test
  void theEnvironmentNamesOfTheIssueSetTheClusterSettings() throws Exception {
    JsonObject env = new JsonObject()
      .put("XUANKE_CLUSTER", "true")
      .put("XUANKE_CLUSTER_HOST", "10.0.0.5")
      .put("XUANKE_CLUSTER_PORT", "5802")
      .put("XUANKE_CLUSTER_MEMBERS", "10.0.0.5:5801, 10.0.0.6:5801,10.0.0.7:5801")
      .put("XUANKE_INSTANCE_ID", "node-b")
      .put("XUANKE_CLUSTER_HEARTBEAT_SECONDS", "7")
      .put("XUANKE_REDIS_TYPE", "cluster")
      .put("XUANKE_REDIS_NODES", "redis://10.0.0.8:7000,redis://10.0.0.9:7000");
    AppConfig config = new AppConfig(AppConfig.merge(file(), env));
    assertTrue(config.cluster());
    assertEquals("10.0.0.5", config.clusterHost());
    assertEquals(5802, config.clusterPort());
    assertEquals(List.of("10.0.0.5:5801", "10.0.0.6:5801", "10.0.0.7:5801"), config.clusterMembers());
    assertEquals("node-b", config.instanceId());
    assertEquals(7, config.clusterHeartbeatSeconds());
    assertTrue(config.redisCluster());
    assertEquals(List.of("redis://10.0.0.8:7000", "redis://10.0.0.9:7000"), config.redisNodes());
  }

  @Test
  void aSingleNodeIsTheDefault() throws Exception {
    AppConfig config = new AppConfig(file());
    assertFalse(config.cluster());
    assertFalse(config.redisCluster());
    RedisOptions redis = Stores.redisOptions(config);
    assertEquals(RedisClientType.STANDALONE, redis.getType());
    assertEquals(List.of("redis://127.0.0.1:6379/0"), redis.getEndpoints());
  }

  @Test
  void redisClusterIsSeededFromTheListedNodes() throws Exception {
    AppConfig config = new AppConfig(file().put("redisType", "cluster").put("redisNodes", "redis://127.0.0.1:7000,redis://127.0.0.1:7001"));
    RedisOptions redis = Stores.redisOptions(config);
    assertEquals(RedisClientType.CLUSTER, redis.getType());
    assertEquals(List.of("redis://127.0.0.1:7000", "redis://127.0.0.1:7001"), redis.getEndpoints());
    AppConfig noNodes = new AppConfig(file().put("redisType", "cluster"));
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Stores.redisOptions(noNodes));
    assertTrue(refused.getMessage().contains("XUANKE_REDIS_NODES"), refused.getMessage());
  }

  @Test
  void aClusteredNodeRefusesToStartWithoutASharedSecret() throws Exception {
    AppConfig clustered = new AppConfig(file().put("cluster", true).put("jwtSecret", ""));
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Cluster.requireSharedSecret(clustered));
    assertTrue(refused.getMessage().contains("XUANKE_JWT_SECRET"), refused.getMessage());
    Cluster.requireSharedSecret(new AppConfig(file().put("cluster", true).put("jwtSecret", "shared-0123456789abcdef")));
    Cluster.requireSharedSecret(new AppConfig(file().put("jwtSecret", "")));
  }

  @Test
  void hazelcastJoinsTheListedMembersOverTcpOnly() throws Exception {
    AppConfig config = new AppConfig(file().put("cluster", true).put("clusterHost", "127.0.0.1").put("clusterPort", 5811)
      .put("clusterMembers", "127.0.0.1:5811,127.0.0.1:5812").put("clusterHeartbeatSeconds", 5).put("instanceId", "a"));
    Config hazelcast = Cluster.hazelcast(config);
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1:5811", "127.0.0.1:5812"), join.getTcpIpConfig().getMembers());
    assertEquals(5811, hazelcast.getNetworkConfig().getPort());
    assertFalse(hazelcast.getNetworkConfig().isPortAutoIncrement());
    assertEquals("5", hazelcast.getProperty("hazelcast.max.no.heartbeat.seconds"));
    assertEquals("0", hazelcast.getProperty("hazelcast.wait.seconds.before.join"));
    assertEquals("a", hazelcast.getMemberAttributeConfig().getAttributes().get("xuanke.instance"));
    assertFalse(hazelcast.getMetricsConfig().isEnabled(), "metrics for a Management Center that is not there cost CPU");
    // Vert.x's own maps keep their settings.
    assertEquals(1, hazelcast.getMultiMapConfig("__vertx.subs").getBackupCount());
  }

  @Test
  void aConsumerBelongsToTheNodeWhoseInstanceIdItCarries() {
    Set<String> live = Set.of("node1", "node2");
    assertFalse(StreamReader.departed("node1-0", live));
    assertFalse(StreamReader.departed("node2", live));
    assertTrue(StreamReader.departed("node3-1", live));
    assertTrue(StreamReader.departed("node10-0", live), "node10 is not node1");
  }
}
