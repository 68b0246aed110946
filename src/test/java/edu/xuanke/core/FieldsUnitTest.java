package edu.xuanke.core;

import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;

import java.time.LocalTime;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading an admin's fields: one reason per bad field, VALIDATION_FAILED with them all. */
class FieldsUnitTest {

  private static JsonObject reasons(Fields fields) {
    Throwable failure = fields.check().cause();
    assertEquals(ErrorCode.VALIDATION_FAILED, ErrorCode.of(failure));
    return ((ServiceException) failure).getDebugInfo().getJsonObject("fields");
  }

  @Test
  void goodInputIsReadAndChecksNothing() {
    Fields fields = new Fields(new JsonObject().put("name", "  Autumn  ").put("capacity", 30).put("id", 7)
      .put("open", true).put("kind", "A").put("start", "08:00"));
    assertEquals("Autumn", fields.text("name", 10, true));
    assertEquals(30, fields.integer("capacity", 0, 100));
    assertEquals(7L, fields.id("id"));
    assertTrue(fields.bool("open"));
    assertEquals("A", fields.oneOf("kind", Set.of("A", "B")));
    assertEquals(LocalTime.of(8, 0), fields.time("start"));
    assertTrue(fields.valid());
    assertNull(fields.check());
  }

  @Test
  void eachBadFieldGetsItsReason() {
    Fields fields = new Fields(new JsonObject().put("name", 5).put("title", "   ").put("long", "x".repeat(11))
      .put("capacity", 2.5).put("seats", 101).put("id", 0).put("open", "yes").put("kind", "C")
      .put("start", "8 o'clock").put("day", 3));
    fields.text("name", 10, false);
    fields.text("title", 10, true);
    fields.text("long", 10, false);
    fields.integer("capacity", 0, 100);
    fields.integer("seats", 0, 100);
    fields.integer("missing", 0, 100);
    fields.id("id");
    fields.bool("open");
    fields.oneOf("kind", Set.of("A", "B"));
    fields.time("start");
    fields.date("day");
    assertFalse(fields.valid());
    assertEquals(new JsonObject().put("name", "NOT_A_STRING").put("title", "REQUIRED").put("long", "TOO_LONG")
      .put("capacity", "NOT_AN_INTEGER").put("seats", "OUT_OF_RANGE").put("missing", "REQUIRED").put("id", "NOT_AN_ID")
      .put("open", "NOT_A_BOOLEAN").put("kind", "UNKNOWN_VALUE").put("start", "INVALID_FORMAT").put("day", "NOT_A_STRING"),
      reasons(fields));
  }

  @Test
  void theFirstReasonOfAFieldIsKept() {
    Fields fields = new Fields(new JsonObject().put("end", "07:00"));
    fields.time("end");
    fields.after("end", false);
    fields.reject("end", "LATER", null);
    assertEquals(new JsonObject().put("end", "NOT_AFTER_START"), reasons(fields));
  }
}
