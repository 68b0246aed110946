package edu.xuanke.course;

import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export and reconcile wait for the events appended before they were asked, not for an empty
 * stream, which a round in progress rarely has. A term without a live state (no persister) is
 * used, so the test moves the stream by hand: deleting an entry is what a committed batch does.
 */
class PersistedSoFarTest {

  @Test
  void waitsForTheEntriesOfThenNotForLaterOnes() throws Exception {
    try (Service service = new Service(TestConfig.json())) {
      service.freshStores().close();
      TermKeys keys = new TermKeys(424_242);
      String earlier = service.redis.xadd(List.of(keys.events(), "*", "type", "ENROLL")).await().toString();

      Future<Void> soFar = Persister.awaitPersistedSoFar(service.vertx, service.redis, keys, 5_000);
      service.redis.xadd(List.of(keys.events(), "*", "type", "ENROLL")).await();
      Thread.sleep(300);
      assertFalse(soFar.isComplete(), "the entry of before the call is still unstored");

      service.redis.xdel(List.of(keys.events(), earlier)).await();
      soFar.await();
      assertTrue(soFar.succeeded());
      assertTrue(service.redis.xlen(keys.events()).await().toLong() > 0, "a later entry is still in the stream");
      service.redis.del(List.of(keys.events())).await();
    }
  }
}
