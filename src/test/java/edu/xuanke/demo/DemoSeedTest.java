package edu.xuanke.demo;

import edu.xuanke.core.AppConfig;
import edu.xuanke.core.Stores;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Nodes that start together on one empty database with demo data: exactly one seeds. */
class DemoSeedTest {

  @Test
  void threeNodesStartingAtOnceSeedOnce() throws Exception {
    AppConfig config = new AppConfig(TestConfig.json().put("demo", true).put("demoPassword", "demo-password-1"));
    try (Fixture fixture = Fixture.fresh(config)) {
      fixture.execute("DELETE FROM course_types");
      List<Vertx> nodes = List.of(Vertx.vertx(), Vertx.vertx(), Vertx.vertx());
      List<Pool> pools = new ArrayList<>();
      try {
        List<Future<String>> seeded = new ArrayList<>();
        for (Vertx node : nodes) {
          Pool pool = Stores.mysql(node, config);
          pools.add(pool);
          seeded.add(new DemoData(node, pool, config).seedIfEmpty());
        }
        Future.join(seeded).await();
        seeded.forEach(f -> assertEquals(true, f.succeeded(), () -> String.valueOf(f.cause())));
        assertEquals(1, seeded.stream().map(Future::result).filter(Objects::nonNull).count(), "nodes that seeded");
        assertEquals(List.of("1"), fixture.rows("SELECT COUNT(*) FROM terms"));
        assertEquals(List.of(String.valueOf(DemoData.STUDENTS + 1)), fixture.rows("SELECT COUNT(*) FROM accounts"));
      } finally {
        pools.forEach(Pool::close);
        nodes.forEach(Vertx::close);
      }
    }
  }
}
