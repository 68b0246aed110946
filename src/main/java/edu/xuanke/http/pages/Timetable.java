package edu.xuanke.http.pages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** The timetable page: held sections as a weekday × time grid, plus the waitlist places. */
record Timetable(JsonArray enrolled, JsonArray waitlisted, JsonArray grid) {

  /**
   * @param held     SelectionService.selections
   * @param sections the term's sections (to name the waitlisted ones)
   */
  static Timetable of(JsonObject held, JsonArray sections) {
    JsonArray enrolled = held.getJsonArray("enrolled", new JsonArray());
    Map<Long, JsonObject> byId = new HashMap<>();
    sections.forEach(o -> byId.put(((JsonObject) o).getLong("id"), (JsonObject) o));
    JsonArray waitlisted = new JsonArray();
    held.getJsonArray("waitlisted", new JsonArray()).forEach(o -> {
      JsonObject place = (JsonObject) o;
      JsonObject section = byId.getOrDefault(place.getLong("sectionId"), new JsonObject().put("id", place.getLong("sectionId")));
      waitlisted.add(section.copy().put("position", place.getLong("position")));
    });

    // One row per distinct time slot, one cell per weekday.
    Map<String, JsonObject> rows = new TreeMap<>();
    enrolled.forEach(o -> {
      JsonObject s = (JsonObject) o;
      JsonObject row = rows.computeIfAbsent(s.getString("startTime") + "-" + s.getString("endTime"), k -> {
        JsonArray days = new JsonArray();
        for (int d = 0; d < 7; d++) days.add(new JsonArray());
        return new JsonObject().put("start", s.getString("startTime")).put("end", s.getString("endTime")).put("days", days);
      });
      row.getJsonArray("days").getJsonArray(s.getInteger("weekday") - 1).add(s);
    });
    return new Timetable(enrolled, waitlisted, new JsonArray(rows.values().stream().map(Object.class::cast).toList()));
  }
}
