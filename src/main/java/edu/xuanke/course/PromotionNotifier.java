package edu.xuanke.course;

import edu.xuanke.auth.AuthService;
import edu.xuanke.mail.MailService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to a student who got a seat from a waitlist. The persister announces a promotion once
 * it is in MySQL, possibly more than once after a crash; the event id makes the mail go once.
 * The course domain owns this: it knows the section and asks the auth domain for the contact
 * and the mail domain to send, so mail depends on no other domain. Deployed once per process
 * (the announcement is published to every consumer), after the mail domain.
 */
public final class PromotionNotifier extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(PromotionNotifier.class);

  private AuthService auth;
  private CatalogService catalog;
  private MailService mail;

  @Override
  public Future<?> start() {
    auth = AuthService.createProxy(vertx);
    catalog = CatalogService.createProxy(vertx);
    mail = MailService.createProxy(vertx);
    return vertx.eventBus().<JsonObject>consumer(SelectionService.PROMOTED, message -> notify(message.body())
      .onFailure(e -> log.warn("promotion mail for {} not queued: {}", message.body(), e.getMessage()))).completion();
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
