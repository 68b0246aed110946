package edu.xuanke.http.pages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The catalog's sections grouped by period and course type, each marked with what the student
 * has (held, waitlisted with position) and, when another section of the same course is held,
 * the section a swap would give up. Every section is on the page, those the filters leave out
 * hidden (the page's script filters and searches without a reload); each says whether its
 * restriction leaves this student out, so the card can say so before any click.
 */
final class CatalogGroups {

  private CatalogGroups() {
  }

  /**
   * @param seats fresh {"sectionId": seatsLeft}
   * @param held  SelectionService.selections: {enrolled: [section], waitlisted: [{sectionId, position}]}
   */
  static JsonArray of(JsonArray sections, JsonObject seats, JsonObject held, CatalogFilter filter, String studentId) {
    Set<Long> heldIds = new HashSet<>();
    Map<String, Long> heldByCourse = new HashMap<>();
    held.getJsonArray("enrolled", new JsonArray()).forEach(o -> {
      JsonObject s = (JsonObject) o;
      heldIds.add(s.getLong("id"));
      heldByCourse.put(s.getString("courseCode"), s.getLong("id"));
    });
    Map<Long, Long> positions = new HashMap<>();
    held.getJsonArray("waitlisted", new JsonArray()).forEach(o -> {
      JsonObject w = (JsonObject) o;
      positions.put(w.getLong("sectionId"), w.getLong("position"));
    });

    Map<String, JsonObject> groups = new TreeMap<>();
    for (Object o : sections) {
      JsonObject section = ((JsonObject) o).copy();
      long id = section.getLong("id");
      long seatsLeft = seats.getLong(Long.toString(id), section.getLong("seatsLeft"));
      section.put("search", String.join(" ", section.getString("courseTitle"), section.getString("teacher"),
        section.getString("courseCode"), section.getString("location"), section.getString("assistant", "")).toLowerCase(Locale.ROOT));
      section.put("filteredOut", !filter.accepts(section, seatsLeft));
      section.put("seatsLeft", seatsLeft);
      section.put("excluded", !allows(section.getString("allowedPrefixes", ""), studentId));
      Long heldOfCourse = heldByCourse.get(section.getString("courseCode"));
      if (heldIds.contains(id)) {
        section.put("state", "held");
      } else if (positions.containsKey(id)) {
        section.put("state", "waiting").put("position", positions.get(id));
      } else {
        section.put("state", "none");
        if (heldOfCourse != null) section.put("swapFrom", heldOfCourse);
      }
      String key = String.format("%03d|%s", section.getInteger("periodIndex"), section.getString("typeName"));
      groups.computeIfAbsent(key, k -> new JsonObject()
          .put("periodIndex", section.getInteger("periodIndex"))
          .put("typeName", section.getString("typeName"))
          .put("sections", new JsonArray())
          .put("filteredOut", true))
        .getJsonArray("sections").add(section);
      if (!section.getBoolean("filteredOut")) groups.get(key).put("filteredOut", false);
    }
    return new JsonArray(groups.values().stream().map(Object.class::cast).toList());
  }

  /** As lib.lua's restriction: no prefixes, or the student id starts with one of them. */
  static boolean allows(String prefixes, String studentId) {
    if (prefixes.isBlank()) return true;
    for (String prefix : prefixes.trim().split("\\s+")) if (studentId.startsWith(prefix)) return true;
    return false;
  }

  /** The filters' choices: {types: [{id, name}], periods: [{id, index}]}. */
  static JsonObject options(JsonArray sections) {
    Map<Long, String> types = new TreeMap<>();
    Map<Integer, Long> periods = new TreeMap<>();
    sections.forEach(o -> {
      JsonObject s = (JsonObject) o;
      types.put(s.getLong("typeId"), s.getString("typeName"));
      periods.put(s.getInteger("periodIndex"), s.getLong("periodId"));
    });
    JsonArray typeList = new JsonArray();
    types.forEach((id, name) -> typeList.add(new JsonObject().put("id", id).put("name", name)));
    JsonArray periodList = new JsonArray();
    periods.forEach((index, id) -> periodList.add(new JsonObject().put("id", id).put("index", index)));
    return new JsonObject().put("types", typeList).put("periods", periodList);
  }
}
