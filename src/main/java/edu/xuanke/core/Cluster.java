package edu.xuanke.core;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Several xuanke nodes on one clustered event bus, with Hazelcast as the cluster manager
 * (membership, failure detection). Members are listed one by one and joined over TCP-IP
 * (no multicast, no auto-detection), so a node joins exactly the deployment it is told about.
 * Each member carries its instanceId as an attribute, so a survivor knows whose stream
 * entries a departed member left pending.
 */
public final class Cluster {

  private static final String INSTANCE_ATTRIBUTE = "xuanke.instance";
  private static final String CLUSTER_NAME = "xuanke";

  private Cluster() {
  }

  /** A clustered Vert.x joined to the members the config lists. */
  public static Future<Vertx> join(VertxOptions options, AppConfig config) {
    requireSharedSecret(config);
    // Before Hazelcast's first log line, which would otherwise go to java.util.logging.
    System.setProperty("hazelcast.logging.type", "slf4j");
    options.getEventBusOptions().setHost(config.clusterHost()).setPort(0);
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast(config)))
      .buildClustered();
  }

  /**
   * Tokens, CSRF tokens and activation links are signed with the JWT secret and checked on
   * whichever node a request reaches: every node must have the same one. A generated secret is
   * a file of one node, so a clustered node refuses to start without a configured one.
   */
  public static void requireSharedSecret(AppConfig config) {
    if (config.cluster() && config.jwtSecret().isBlank()) {
      throw new IllegalStateException("XUANKE_CLUSTER=true needs XUANKE_JWT_SECRET (or jwtSecret in the config file): "
        + "every node must sign and check tokens with the same secret, and a generated one would differ per node");
    }
  }

  /** The Hazelcast settings of a node; separate so that a test can check them without joining. */
  static Config hazelcast(AppConfig config) {
    Config hazelcast = ConfigUtil.loadConfig();
    hazelcast.setClusterName(CLUSTER_NAME);
    hazelcast.getMemberAttributeConfig().setAttribute(INSTANCE_ATTRIBUTE, config.instanceId());
    hazelcast.setProperty("hazelcast.logging.type", "slf4j");
    hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
    // Vert.x leaves the cluster itself after undeploying; Hazelcast's own hook would leave first.
    hazelcast.setProperty("hazelcast.shutdownhook.enabled", "false");
    hazelcast.setProperty("hazelcast.wait.seconds.before.join", "0");
    // Hazelcast's metrics (collected and compressed every few seconds for Management Center, which
    // is not used) took about a tenth of a loaded node's CPU samples; the health monitor logs
    // the same figures.
    hazelcast.getMetricsConfig().setEnabled(false);
    hazelcast.setProperty("hazelcast.health.monitoring.level", "OFF");
    hazelcast.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(config.clusterHeartbeatSeconds()));
    hazelcast.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    NetworkConfig network = hazelcast.getNetworkConfig();
    network.setPort(config.clusterPort()).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface(config.clusterHost());
    hazelcast.setProperty("hazelcast.local.localAddress", config.clusterHost());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(config.clusterMembers());
    return hazelcast;
  }

  private static HazelcastClusterManager manager(Vertx vertx) {
    return vertx instanceof VertxInternal internal && internal.clusterManager() instanceof HazelcastClusterManager hz
      ? hz : null;
  }

  /** The instanceIds of the members now in the cluster; null when this Vert.x is not clustered. */
  public static Set<String> liveInstances(Vertx vertx) {
    HazelcastClusterManager manager = manager(vertx);
    if (manager == null || !manager.isActive()) return null;
    return manager.getHazelcastInstance().getCluster().getMembers().stream()
      .map(member -> member.getAttribute(INSTANCE_ATTRIBUTE)).filter(id -> id != null).collect(Collectors.toSet());
  }

  /**
   * Calls {@code left} with the instanceId of each member that leaves the cluster (shut down, or
   * silent for the heartbeat timeout); does nothing when this Vert.x is not clustered.
   */
  public static void onMemberLeft(Vertx vertx, Consumer<String> left) {
    HazelcastClusterManager manager = manager(vertx);
    if (manager == null) return;
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        Member member = event.getMember();
        String instance = member.getAttribute(INSTANCE_ATTRIBUTE);
        if (instance != null) left.accept(instance);
      }
    });
  }
}
