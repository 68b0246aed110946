package edu.xuanke.course;

import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A time overlap needs the same weekday, overlapping hours and overlapping 阶段 (period dates): two sections
 * at the same hour in different periods are taken together, two in the same period clash (select and swap).
 */
class PeriodOverlapTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long firstPeriod;
  private long secondPeriod;
  private long firstPeriodLater;
  private long otherCourse;
  private String student;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    firstPeriod = term.section("PA1", 5, 1, "08:00", "10:00");
    firstPeriodLater = term.section("PC1", 5, 1, "09:00", "11:00");
    otherCourse = term.section("PD1", 5, 3, "08:00", "10:00");
    secondPeriod = term.secondPeriod().section("PB1", 5, 1, "08:00", "10:00");
    student = term.students("PO", 1).get(0);
    service.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  @Test
  void sameHourInAnotherPeriodIsNoConflictButTheSamePeriodIs() {
    String token = service.login(student);
    assertEquals(201, service.select(token, firstPeriod, false).await().statusCode());
    HttpResponse<Buffer> other = service.select(token, secondPeriod, false).await();
    assertEquals(201, other.statusCode(), "阶段 2 at the same hour: " + other.bodyAsString());

    HttpResponse<Buffer> clash = service.select(token, firstPeriodLater, false).await();
    assertEquals(409, clash.statusCode(), clash.bodyAsString());
    assertEquals("TIME_CONFLICT", Service.errorCode(clash));
    assertEquals(firstPeriod, clash.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getLong("sectionId"),
      "the clash is with the same period's section, not the other period's");

    // A swap onto the first period's hour clashes as a select does.
    assertEquals(201, service.select(token, otherCourse, false).await().statusCode());
    HttpResponse<Buffer> swap = service.swap(token, otherCourse, firstPeriodLater).await();
    assertEquals("TIME_CONFLICT", Service.errorCode(swap), swap.bodyAsString());

    service.drain(term.id);
    assertEquals(List.of(firstPeriod + "|ENROLLED", otherCourse + "|ENROLLED", secondPeriod + "|ENROLLED"), fixture.rows(
      "SELECT section_id, state FROM enrollments WHERE student_id = ? ORDER BY section_id", student));
    assertEquals(List.of(), service.audit(term.id));
  }
}
