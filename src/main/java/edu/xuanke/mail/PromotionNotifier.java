package edu.xuanke.mail;

import edu.xuanke.auth.AuthService;
import edu.xuanke.course.CatalogService;
import edu.xuanke.course.SelectionService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to a student who got a seat from a waitlist. The persister announces a promotion once
 * it is in MySQL, possibly more than once after a crash; the event id makes the mail go once.
 * The announcement goes only to the notifier of the node whose persister stored the event (a
 * local consumer), so N nodes do not look up and queue the same mail N times.
 */
public final class PromotionNotifier {

  private static final Logger log = LoggerFactory.getLogger(PromotionNotifier.class);

  private final Vertx vertx;
  private final AuthService auth;
  private final CatalogService catalog;
  private final MailService mail;
  private MessageConsumer<JsonObject> consumer;

  public PromotionNotifier(Vertx vertx, AuthService auth, CatalogService catalog, MailService mail) {
    this.vertx = vertx;
    this.auth = auth;
    this.catalog = catalog;
    this.mail = mail;
  }

  public Future<Void> start() {
    consumer = vertx.eventBus().localConsumer(SelectionService.PROMOTED, message -> notify(message.body())
      .onFailure(e -> log.warn("promotion mail for {} not queued: {}", message.body(), e.getMessage())));
    return consumer.completion();
  }

  private Future<Void> notify(JsonObject promotion) {
    return Future.all(auth.contact(promotion.getString("studentId")), catalog.section(promotion.getLong("sectionId")))
      .compose(both -> {
        JsonObject contact = both.resultAt(0);
        JsonObject section = both.resultAt(1);
        if (contact.getString("email", "").isBlank()) return Future.succeededFuture();
        return mail.send("promotion", contact.getString("email"), contact.getString("lang"), new JsonObject()
          .put("onceKey", "promotion:" + promotion.getLong("termId") + ":" + promotion.getString("eventId"))
          .put("name", contact.getString("name"))
          .put("courseTitle", section.getString("courseTitle"))
          .put("weekday", section.getInteger("weekday"))
          .put("startTime", section.getString("startTime"))
          .put("endTime", section.getString("endTime"))
          .put("location", section.getString("location")));
      });
  }
}
