package edu.xuanke.demo;

import edu.xuanke.core.AppConfig;
import edu.xuanke.core.Stores;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void aGeneratedPasswordIsShownAgainOnLaterStarts(@TempDir Path dir) throws Exception {
    AppConfig config = new AppConfig(TestConfig.json().put("demo", true).put("demoPassword", "")
      .put("jwtSecretFile", dir.resolve("jwt-secret").toString()));
    try (Fixture fixture = Fixture.fresh(config)) {
      fixture.execute("DELETE FROM course_types");
      Vertx node = Vertx.vertx();
      Pool pool = Stores.mysql(node, config);
      try {
        assertEquals("", new DemoData(node, pool, config).remembered().await(), "nothing kept before the seeding");
        String generated = new DemoData(node, pool, config).seedIfEmpty().await();
        assertTrue(generated != null && generated.length() >= 12, "a generated password: " + generated);
        // A later start seeds nothing, and finds the password to print.
        assertNull(new DemoData(node, pool, config).seedIfEmpty().await());
        assertEquals(generated, new DemoData(node, pool, config).remembered().await());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
          dir.resolve("demo-password-" + config.mysqlDatabase()))));
      } finally {
        pool.close();
        node.close();
      }
    }
  }
}
