package edu.xuanke.admin;

import edu.xuanke.course.TermKeys;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
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

/** After a concurrent selection run: the export is exactly the enrollments, twice alike; reconcile finds nothing until Redis is tampered with. */
class ExportAndReconcileTest {

  private static final int STUDENTS = 120;

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

  @Test
  void theExportIsExactlyTheEnrollmentsAndTheSameTwice() throws IOException {
    HttpResponse<Buffer> first = export("&format=csv");
    HttpResponse<Buffer> second = export("&format=csv");

    assertEquals(200, first.statusCode(), first.bodyAsString());
    assertTrue(first.getHeader("Content-Type").startsWith("text/csv"));
    assertTrue(first.getHeader("Content-Disposition").contains("xuanke-term-" + term.id + ".csv"), first.getHeader("Content-Disposition"));
    assertEquals(first.body(), second.body(), "two exports are byte for byte the same");
    List<CSVRecord> rows = csvRows(first);
    assertEquals(List.of("学号", "姓名", "性别", "班级", "学院", "上课时间", "具体时间", "上课地点", "教师", "手机号", "课程名",
      "课程类型", "教学班编号", "选课时间"), rows.get(0).toList());
    Set<String> exported = new TreeSet<>();
    for (CSVRecord row : rows.subList(1, rows.size())) assertTrue(exported.add(row.get(0) + "@" + row.get(12)), "no row twice");
    Set<String> stored = enrollments("");
    assertEquals(stored, exported);
    assertFalse(stored.isEmpty());
    assertEquals(rows.size() - 1, stored.size());
    CSVRecord sample = rows.get(1);
    assertEquals("男", sample.get(2));
    assertEquals("18:45-21:45", sample.get(6));
    assertTrue(sample.get(5).endsWith("周一"), sample.get(5));

    long section = sections.get(0);
    List<CSVRecord> roster = csvRows(export("&format=csv&lang=en&sectionId=" + section));
    assertEquals("Student ID", roster.get(0).get(0));
    Set<String> rosterRows = new TreeSet<>();
    roster.subList(1, roster.size()).forEach(r -> rosterRows.add(r.get(0) + "@" + r.get(12)));
    assertEquals(enrollments(" AND section_id = ?", section), rosterRows);
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
    assertEquals("'@SUM(A1)", row.get(4));
    assertEquals("'-2", row.get(9));
    assertEquals("18:45-21:45", row.get(6));
  }

  @Test
  void theXlsxExportHasTheSameRows() throws IOException {
    List<CSVRecord> csv = csvRows(export("&format=csv"));
    HttpResponse<Buffer> xlsx = export("&format=xlsx");
    assertEquals(200, xlsx.statusCode());
    assertTrue(xlsx.getHeader("Content-Type").startsWith("application/vnd.openxmlformats"));
    assertEquals(csv.stream().map(CSVRecord::toList).toList(), sheetRows(xlsx));
    // The workbook records when it was written (docProps/core.xml), so only its cells can repeat exactly.
    assertEquals(sheetRows(xlsx), sheetRows(export("&format=xlsx")));
  }

  private static List<List<String>> sheetRows(HttpResponse<Buffer> xlsx) throws IOException {
    List<List<String>> sheet = new ArrayList<>();
    try (ReadableWorkbook workbook = new ReadableWorkbook(new ByteArrayInputStream(xlsx.body().getBytes()))) {
      for (Row row : workbook.getFirstSheet().read()) {
        List<String> cells = new ArrayList<>();
        for (int c = 0; c < row.getCellCount(); c++) cells.add(row.getCellText(c));
        sheet.add(cells);
      }
    }
    return sheet;
  }

  @Test
  void badExportParametersAreRefused() {
    HttpResponse<Buffer> format = export("&format=pdf");
    assertEquals(400, format.statusCode());
    assertEquals("BAD_REQUEST", Service.errorCode(format));
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
