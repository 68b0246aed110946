package edu.xuanke.http.pages;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** The term as the catalog page shows it: its window in the school's time and whether it is open now. */
final class TermView {

  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  private TermView() {
  }

  static JsonObject of(JsonObject term) {
    OffsetDateTime opens = OffsetDateTime.parse(term.getString("selectionOpensAt"));
    OffsetDateTime closes = OffsetDateTime.parse(term.getString("selectionClosesAt"));
    OffsetDateTime dropCloses = OffsetDateTime.parse(term.getString("dropClosesAt"));
    OffsetDateTime now = OffsetDateTime.now(opens.getOffset());
    String state = now.isBefore(opens) ? "upcoming" : now.isBefore(closes) ? "open" : "closed";
    return new JsonObject()
      .put("id", term.getLong("id"))
      .put("name", term.getString("name"))
      .put("state", state)
      .put("opensAt", term.getString("selectionOpensAt"))
      .put("closesAt", term.getString("selectionClosesAt"))
      .put("opensShown", SHOWN.format(opens))
      .put("closesShown", SHOWN.format(closes))
      .put("dropClosesShown", SHOWN.format(dropCloses))
      .put("maxSections", term.getInteger("maxSectionsPerStudent"));
  }
}
