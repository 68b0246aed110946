package edu.xuanke.http.pages;

import edu.xuanke.course.CatalogService;
import edu.xuanke.support.Eventually;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The pages' catalog copy is read once and read again after an announced admin edit. */
class PageCatalogTest {

  @Test
  void readOnceThenAgainAfterAnEdit() throws Exception {
    try (Service service = new Service(TestConfig.json()); Fixture fixture = service.freshStores()) {
      Fixture.Term term = fixture.openTerm(3);
      term.section("PY1", 30, 2, "18:45", "21:45");
      service.start();
      Context loop = service.vertx.getOrCreateContext();
      PageCatalog cache = on(loop, () -> new PageCatalog(service.vertx, CatalogService.createProxy(service.vertx)));

      Future<PageCatalog.Snapshot> first = on(loop, cache::snapshot);
      assertEquals(1, first.await().sections().size());
      assertEquals(term.id, first.await().term().getLong("id"));
      assertSame(first, on(loop, cache::snapshot), "served from memory");

      // An edit as the admin service makes it: the row first, then the announcement. The copy
      // ends up with the new section even when a page read it before the course catalog reloaded.
      term.section("PY2", 30, 3, "18:45", "21:45");
      service.vertx.eventBus().publish(CatalogService.CHANGED_ADDRESS, new JsonObject().put("termId", term.id));
      on(loop, cache::snapshot);
      Eventually.holds(() -> on(loop, cache::snapshot).await().sections().size() == 2, 5000,
        "the copy is read again after the edit, with the new section");
    }
  }

  /** Runs {@code action} on the cache's event loop, as the pages do. */
  private static <T> T on(Context loop, Supplier<T> action) {
    Promise<T> result = Promise.promise();
    loop.runOnContext(v -> result.complete(action.get()));
    return result.future().await();
  }
}
