package edu.xuanke.admin;

import edu.xuanke.course.TermKeys;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.Spreadsheets;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After a concurrent selection run: the export is exactly the enrollments, twice alike, in words
 * and the school's time; the waitlist export is each line in order; reconcile finds nothing until
 * Redis is tampered with.
 */
class ExportAndReconcileTest {

  private static final int STUDENTS = 120;
  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private final List<Long> sections = new ArrayList<>();
  private String admin;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    for (int day = 1; day <= 4; day++) sections.add(term.section("C" + day, 25, day, "18:45", "21:45"));
    fixture.execute("UPDATE sections SET assistant = '助教甲', nature = 'MAJOR' WHERE id = ?", sections.get(0));
    List<String> students = term.students("EX", STUDENTS);
    fixture.admin("office");
    service.start();
    admin = service.login("office");
    concurrentRun(students);
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  /** Every student at once picks two sections (waitlisting when full), then some drop one. */
  private void concurrentRun(List<String> students) {
    Random random = new Random(7);
    List<String> tokens = Future.all(students.stream().map(id -> service.http.post("/api/auth/login")
        .sendJsonObject(new JsonObject().put("studentId", id).put("password", Fixture.PASSWORD))
        .map(r -> r.bodyAsJsonObject().getString("token"))).toList())
      .await().list();
    List<Future<?>> picks = new ArrayList<>();
    List<long[]> chosen = new ArrayList<>();
    for (String token : tokens) {
      long first = sections.get(random.nextInt(4));
      long second = sections.get(random.nextInt(4));
      chosen.add(new long[] {first, second});
      picks.add(service.select(token, first, true));
      picks.add(service.select(token, second, true));
    }
    Future.join(picks).otherwiseEmpty().await();
    List<Future<?>> drops = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i += 5) drops.add(service.drop(tokens.get(i), chosen.get(i)[0]));
    Future.join(drops).otherwiseEmpty().await();
  }

  private HttpResponse<Buffer> export(String query) {
    return service.http.get("/api/admin/export?termId=" + term.id + query).bearerTokenAuthentication(admin).send().await();
  }

  private List<CSVRecord> csvRows(HttpResponse<Buffer> response) throws IOException {
    byte[] bytes = response.body().getBytes();
    assertArrayEquals(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, Arrays.copyOf(bytes, 3), "UTF-8 BOM");
    String text = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
    return CSVFormat.EXCEL.parse(new StringReader(text)).getRecords();
  }

  private Set<String> enrollments(String extraWhere, Object... args) {
    return new TreeSet<>(fixture.rows("SELECT CONCAT(student_id, '@', section_id) FROM enrollments WHERE state = 'ENROLLED'"
      + " AND term_id = " + term.id + extraWhere, args));
  }

  /** The stored enrollment time of a row as the school's wall clock, "yyyy-MM-dd HH:mm:ss". */
  private String enrolledAt(String student, long section) {
    String utc = fixture.rows("SELECT DATE_FORMAT(enrolled_at, '%Y-%m-%d %H:%i:%s') FROM enrollments WHERE student_id = ?"
      + " AND section_id = ?", student, section).get(0);
    return SHOWN.format(LocalDateTime.parse(utc, SHOWN).atOffset(ZoneOffset.UTC).atZoneSameInstant(service.config.timeZone()));
  }

  @Test
  void theExportIsExactlyTheEnrollmentsAndTheSameTwice() throws IOException {
    HttpResponse<Buffer> first = export("&format=csv");
    HttpResponse<Buffer> second = export("&format=csv");

    assertEquals(200, first.statusCode(), first.bodyAsString());
    assertTrue(first.getHeader("Content-Type").startsWith("text/csv"));
    assertTrue(first.getHeader("Content-Disposition").contains("xuanke-term-" + term.id + ".csv"), first.getHeader("Content-Disposition"));
    assertEquals(first.body(), second.body(), "two exports are byte for byte the same");
    List<CSVRecord> rows = csvRows(first);
    assertEquals(Spreadsheets.ENROLLMENT_HEADERS, rows.get(0).toList());
    Set<String> exported = new TreeSet<>();
    for (CSVRecord row : rows.subList(1, rows.size())) assertTrue(exported.add(row.get(0) + "@" + row.get(15)), "no row twice");
    Set<String> stored = enrollments("");
    assertEquals(stored, exported);
    assertFalse(stored.isEmpty());
    assertEquals(rows.size() - 1, stored.size());
    for (CSVRecord row : rows.subList(1, rows.size())) {
      boolean major = row.get(15).equals(Long.toString(sections.get(0)));
      assertEquals(List.of("男", "C1", "M1", "理学院"), row.toList().subList(2, 6), "words, not codes");
      assertTrue(row.get(6).matches("第1阶段（\\d{4}-\\d{2}-\\d{2}至\\d{4}-\\d{2}-\\d{2}）周[一二三四]"), row.get(6));
      assertEquals("18:45-21:45", row.get(7));
      assertEquals(major ? "助教甲" : "", row.get(10));
      assertEquals(major ? "专业班" : "非专业班", row.get(14));
      assertEquals(enrolledAt(row.get(0), Long.parseLong(row.get(15))), row.get(16), "the school's wall clock");
    }

    long section = sections.get(0);
    List<CSVRecord> roster = csvRows(export("&format=csv&lang=en&sectionId=" + section));
    assertEquals(List.of("Student ID", "Name", "Gender", "Class", "Major", "College", "Schedule", "Time", "Location", "Teacher",
      "Teaching assistant", "Phone", "Course", "Course type", "Course nature", "Section ID", "Enrolled at", "Selected by"), roster.get(0).toList());
    Set<String> rosterRows = new TreeSet<>();
    roster.subList(1, roster.size()).forEach(r -> rosterRows.add(r.get(0) + "@" + r.get(15)));
    assertEquals(enrollments(" AND section_id = ?", section), rosterRows);
    CSVRecord english = roster.get(1);
    assertEquals("Male", english.get(2));
    assertTrue(english.get(6).matches("Period 1 \\(\\S+ to \\S+\\), Monday"), english.get(6));
    assertEquals("Major class", english.get(14));
  }

  @Test
  void theWaitlistExportIsEachLineInOrder() throws IOException {
    service.drain(term.id);
    HttpResponse<Buffer> response = export("&list=waitlist&format=csv");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertTrue(response.getHeader("Content-Disposition").contains("xuanke-term-" + term.id + "-waitlist.csv"));
    List<CSVRecord> rows = csvRows(response);
    assertEquals(List.of("教学班编号", "课程名", "教师", "候补位次", "学号", "姓名", "性别", "班级", "专业", "学院", "手机号", "候补时间"),
      rows.get(0).toList());
    int lines = 0;
    for (long section : sections) {
      // The line as the students see it: Redis's waitlist, earliest first.
      List<String> line = service.redis.zrange(List.of(new TermKeys(term.id).waitlist(section), "0", "-1")).await()
        .stream().map(Object::toString).toList();
      List<CSVRecord> exported = rows.stream().skip(1).filter(r -> r.get(0).equals(Long.toString(section))).toList();
      assertEquals(line, exported.stream().map(r -> r.get(4)).toList(), "section " + section);
      for (int i = 0; i < exported.size(); i++) {
        assertEquals(Integer.toString(i + 1), exported.get(i).get(3));
        assertEquals("男", exported.get(i).get(6));
        assertTrue(exported.get(i).get(11).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}"), exported.get(i).get(11));
      }
      lines += line.size();
    }
    assertTrue(lines > 0, "the run left students waiting");
    assertEquals(lines, rows.size() - 1);

    Spreadsheets sheet = new Spreadsheets(export("&list=waitlist&format=xlsx&lang=en").body().getBytes());
    assertEquals("Waitlists", sheet.sheetName);
    assertEquals("Position", sheet.rows.get(0).get(3).getText());
    assertEquals(CellType.NUMBER, sheet.rows.get(1).get(3).getType());
    assertEquals(CellType.NUMBER, sheet.rows.get(1).get(11).getType(), "waiting since: a date-time cell");
    assertEquals(lines + 1, sheet.rows.size());
  }

  @Test
  void csvCellsThatASpreadsheetWouldRunAreQuoted() throws Exception {
    service.drain(term.id);
    String student = fixture.rows("SELECT student_id FROM enrollments WHERE state = 'ENROLLED' ORDER BY student_id LIMIT 1").get(0);
    fixture.execute("UPDATE accounts SET name = ?, class_name = ?, college = ?, phone = ? WHERE student_id = ?",
      "=HYPERLINK(\"http://evil\")", "+1", "@SUM(A1)", "-2", student);

    List<CSVRecord> rows = csvRows(export("&format=csv"));

    CSVRecord row = rows.stream().filter(r -> r.get(0).equals(student)).findFirst().orElseThrow();
    assertEquals("'=HYPERLINK(\"http://evil\")", row.get(1));
    assertEquals("'+1", row.get(3));
    assertEquals("'@SUM(A1)", row.get(5));
    assertEquals("'-2", row.get(11));
    assertEquals("18:45-21:45", row.get(7));
  }

  @Test
  void theXlsxExportHasTheSameRowsWithADateCellAndAFilteredFrozenHeader() throws IOException {
    List<List<String>> csv = csvRows(export("&format=csv")).stream().map(CSVRecord::toList).toList();
    HttpResponse<Buffer> xlsx = export("&format=xlsx");
    assertEquals(200, xlsx.statusCode());
    assertTrue(xlsx.getHeader("Content-Type").startsWith("application/vnd.openxmlformats"));
    Spreadsheets sheet = new Spreadsheets(xlsx.body().getBytes());
    assertEquals("选课名单", sheet.sheetName);
    assertEquals(1, sheet.frozenRows());
    assertEquals("A1:R" + csv.size(), sheet.autoFilter());
    assertTrue(sheet.bold("A1") && sheet.bold("Q1"), "a bold header");
    assertFalse(sheet.bold("A2"));
    // Every cell as in the CSV but the enrollment time, which is a date-time cell showing the same time.
    assertEquals(csv.size(), sheet.rows.size());
    for (int r = 0; r < csv.size(); r++) {
      assertEquals(csv.get(r).subList(0, 16), sheet.texts().get(r).subList(0, 16), "row " + r);
      Cell at = sheet.rows.get(r).get(16);
      if (r == 0) {
        assertEquals("选课时间", at.getText());
        continue;
      }
      assertEquals(CellType.NUMBER, at.getType(), "a date-time cell, not text");
      assertEquals("yyyy-mm-dd hh:mm:ss", at.getDataFormatString());
      LocalDateTime shown = LocalDateTime.parse(csv.get(r).get(16), SHOWN);
      assertTrue(Math.abs(Duration.between(shown, at.asDate()).toMillis()) < 1_000, shown + " vs " + at.asDate());
    }
    assertEquals(CellType.NUMBER, sheet.rows.get(1).get(15).getType(), "the section ID is a number");
    // The workbook records when it was written (docProps/core.xml), so only its cells can repeat exactly.
    assertEquals(sheet.texts(), new Spreadsheets(export("&format=xlsx").body().getBytes()).texts());
  }

  @Test
  void badExportParametersAreRefused() {
    HttpResponse<Buffer> format = export("&format=pdf");
    assertEquals(400, format.statusCode());
    assertEquals("BAD_REQUEST", Service.errorCode(format));
    HttpResponse<Buffer> list = export("&list=everything");
    assertEquals(400, list.statusCode());
    assertEquals("BAD_REQUEST", Service.errorCode(list));
    HttpResponse<Buffer> noTerm = service.http.get("/api/admin/export").bearerTokenAuthentication(admin).send().await();
    assertEquals(400, noTerm.statusCode());
    HttpResponse<Buffer> unknownTerm = service.http.get("/api/admin/export?termId=999").bearerTokenAuthentication(admin).send().await();
    assertEquals(400, unknownTerm.statusCode());
  }

  private List<Object> reconcile() {
    HttpResponse<Buffer> response = service.http.get("/api/admin/reconcile?termId=" + term.id).bearerTokenAuthentication(admin)
      .send().await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("differences").getList();
  }

  @Test
  void reconcileIsEmptyAfterTheRunAndReportsTampering() {
    assertEquals(List.of(), reconcile());
    assertEquals(List.of(), service.audit(term.id));

    TermKeys keys = new TermKeys(term.id);
    long section = sections.get(1);
    String member = service.redis.smembers(keys.roster(section)).await().iterator().next().toString();
    service.redis.srem(List.of(keys.roster(section), member)).await();
    service.redis.zadd(List.of(keys.waitlist(sections.get(2)), "999999", "ghost")).await();

    List<Object> differences = reconcile();
    assertTrue(differences.stream().anyMatch(d -> d.toString().contains("section " + section + ": seats left")), differences.toString());
    assertTrue(differences.stream().anyMatch(d -> d.toString().contains("MySQL and Redis differ") && d.toString().contains(member)),
      differences.toString());
    assertTrue(differences.stream().anyMatch(d -> d.toString().contains("waitlist") && d.toString().contains("ghost")),
      differences.toString());
  }

  @Test
  void theDashboardStreamSendsStatsEvents() throws Exception {
    io.vertx.core.http.HttpClient client = service.vertx.createHttpClient();
    StringBuilder received = new StringBuilder();
    java.util.concurrent.CompletableFuture<String> firstEvent = new java.util.concurrent.CompletableFuture<>();
    client.request(io.vertx.core.http.HttpMethod.GET, service.config.httpPort(), "localhost", "/api/admin/stats/stream?termId=" + term.id)
      .compose(request -> request.putHeader("Authorization", "Bearer " + admin).send())
      .onSuccess(response -> {
        assertEquals("text/event-stream; charset=utf-8", response.getHeader("Content-Type"));
        response.handler(chunk -> {
          received.append(chunk.toString(StandardCharsets.UTF_8));
          int end = received.indexOf("\n\n", received.indexOf("event: stats"));
          if (received.indexOf("event: stats") >= 0 && end > 0) firstEvent.complete(received.substring(0, end));
        });
      })
      .onFailure(firstEvent::completeExceptionally);
    String event = firstEvent.get(10, java.util.concurrent.TimeUnit.SECONDS);
    JsonObject stats = new JsonObject(event.substring(event.indexOf("data: ") + 6));
    assertEquals(term.id, stats.getLong("termId"));
    assertEquals(4, stats.getJsonArray("sections").size());
    client.close().await();

    HttpResponse<Buffer> unknown = service.http.get("/api/admin/stats/stream?termId=999").bearerTokenAuthentication(admin)
      .timeout(5_000).send().await();
    assertEquals(404, unknown.statusCode());
    assertEquals("NOT_FOUND", Service.errorCode(unknown));
  }

  @Test
  void statsShowFillRatesLagAndRefusals() {
    service.drain(term.id);
    JsonObject stats = service.http.get("/api/admin/stats?termId=" + term.id).bearerTokenAuthentication(admin).send().await()
      .bodyAsJsonObject();
    long enrolled = enrollments("").size();
    assertEquals(enrolled, stats.getJsonObject("totals").getLong("enrolled"));
    assertEquals(100L, stats.getJsonObject("totals").getLong("capacity"));
    assertEquals(4, stats.getJsonArray("sections").size());
    assertEquals(0L, stats.getJsonObject("persistence").getLong("streamLength"));
    assertTrue(stats.getJsonObject("selections").getLong("changesTotal") >= enrolled);
    // Refusals are counted in memory and written about once a second.
    edu.xuanke.support.Eventually.holds(() -> service.http.get("/api/admin/stats?termId=" + term.id).bearerTokenAuthentication(admin)
      .send().await().bodyAsJsonObject().getJsonObject("refusals").containsKey("ALREADY_ENROLLED"), 5_000,
      "students who picked the same section twice were refused");
  }
}
