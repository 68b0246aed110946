package edu.xuanke.http.pages;

import edu.xuanke.support.Browser;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.Spreadsheets;
import edu.xuanke.support.TestConfig;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The course office's files as it gets them in headless Chromium: each export is fetched with
 * the browser's session from the link or form on /admin/export, then opened and checked cell by
 * cell (headers, words for codes, a date-time cell on the school's clock, frozen filtered header,
 * sheet name), in zh-CN and English. And term times picked on the school's clock by a browser
 * whose own clock is in another zone.
 */
class ExportBrowserTest {

  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long section;
  private List<String> students;
  private Browser browser;

  @BeforeEach
  void start() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    section = term.section("PY1", 1, 5, "18:45", "21:45");
    fixture.execute("UPDATE sections SET assistant = '王助教', nature = 'MAJOR' WHERE id = ?", section);
    students = term.students("XP", 2);
    fixture.admin("office");
    service.start();
    assertEquals(201, service.select(service.login(students.get(0)), section, false).await().statusCode());
    int waiting = service.select(service.login(students.get(1)), section, true).await().statusCode();
    assertTrue(waiting == 201 || waiting == 202, "the second student waits: " + waiting);
    service.drain(term.id);
    browser = new Browser();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (browser != null) {
        browser.assertCleanPages();
      }
    } finally {
      if (browser != null) browser.close();
      if (service != null) service.close();
      if (fixture != null) fixture.close();
    }
  }

  private String url(String path) {
    return "http://localhost:" + service.config.httpPort() + path;
  }

  private WebDriverWait waiting() {
    return browser.waiting();
  }

  private WebElement byId(String id) {
    return browser.byId(id);
  }

  private void logIn() {
    browser.logIn(url(""), "office", Fixture.PASSWORD);
  }

  /** The file behind a link or form of the page, fetched by the page with the admin's session cookie. */
  private byte[] download(String href) {
    Object answer = browser.driver.executeAsyncScript("""
      const done = arguments[arguments.length - 1];
      fetch(arguments[0], {credentials: 'same-origin'})
        .then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status))
        .then(b => { let s = ''; new Uint8Array(b).forEach(x => { s += String.fromCharCode(x); }); done(btoa(s)); },
              e => done('FAILED ' + e));""", href);
    assertTrue(!answer.toString().startsWith("FAILED"), href + ": " + answer);
    return Base64.getDecoder().decode(answer.toString());
  }

  private String href(String id) {
    return byId(id).getDomProperty("href");
  }

  /** A stored instant of MySQL as the school's wall clock. */
  private LocalDateTime schoolTime(String sql, Object... args) {
    String utc = fixture.rows(sql, args).get(0);
    return LocalDateTime.parse(utc, SECONDS).atOffset(ZoneOffset.UTC).atZoneSameInstant(service.config.timeZone())
      .toLocalDateTime();
  }

  private static void assertDateTimeCell(LocalDateTime expected, Cell cell) {
    assertEquals(CellType.NUMBER, cell.getType(), "a date-time cell, not text");
    assertEquals("yyyy-mm-dd hh:mm:ss", cell.getDataFormatString());
    assertTrue(Math.abs(Duration.between(expected, cell.asDate()).toMillis()) < 1_000, expected + " vs " + cell.asDate());
  }

  private static List<String> texts(List<Cell> row) {
    return row.stream().map(c -> c == null ? "" : c.getText()).toList();
  }

  @Test
  void theOfficeDownloadsEnrollmentsAndWaitlistsFromTheExportPage() throws IOException {
    logIn();
    browser.driver.get(url("/admin?termId=" + term.id));
    browser.driver.findElement(By.cssSelector("a[href='/admin/export?termId=" + term.id + "']")).click();
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("export-xlsx")));
    browser.checkAccessibility("admin-export");
    browser.screenshot("admin-export");

    Spreadsheets enrollments = new Spreadsheets(download(href("export-xlsx")));
    assertEquals("选课名单", enrollments.sheetName);
    assertEquals(Spreadsheets.ENROLLMENT_HEADERS, texts(enrollments.rows.get(0)));
    assertEquals(2, enrollments.rows.size(), "the header and the one enrollment");
    List<Cell> row = enrollments.rows.get(1);
    String student = students.get(0);
    assertEquals(List.of(student, "Name " + student, "男", "C1", "M1", "理学院"), texts(row).subList(0, 6));
    assertTrue(row.get(6).getText().matches("第1阶段（\\d{4}-\\d{2}-\\d{2}至\\d{4}-\\d{2}-\\d{2}）周五"), row.get(6).getText());
    assertEquals(List.of("18:45-21:45", "R", "T", "王助教", "13800000000", "PY1 title", "Python", "专业班"),
      texts(row).subList(7, 15));
    assertEquals(CellType.NUMBER, row.get(15).getType());
    assertEquals(section, row.get(15).asNumber().longValueExact());
    assertDateTimeCell(schoolTime("SELECT DATE_FORMAT(enrolled_at, '%Y-%m-%d %H:%i:%s') FROM enrollments WHERE student_id = ?",
      student), row.get(16));
    assertEquals(1, enrollments.frozenRows(), "the header row stays in view");
    assertEquals("A1:R2", enrollments.autoFilter());
    assertTrue(enrollments.bold("A1") && enrollments.bold("Q1"), "a bold header");

    Spreadsheets waitlist = new Spreadsheets(download(href("waitlist-xlsx")));
    assertEquals("候补名单", waitlist.sheetName);
    assertEquals(List.of("教学班编号", "课程名", "教师", "候补位次", "学号", "姓名", "性别", "班级", "专业", "学院", "手机号", "候补时间"),
      texts(waitlist.rows.get(0)));
    assertEquals(2, waitlist.rows.size());
    List<Cell> line = waitlist.rows.get(1);
    String waiter = students.get(1);
    assertEquals(List.of(Long.toString(section), "PY1 title", "T", "1", waiter, "Name " + waiter, "男"), texts(line).subList(0, 7));
    assertDateTimeCell(schoolTime("SELECT DATE_FORMAT(joined_at, '%Y-%m-%d %H:%i:%s') FROM waitlist_entries WHERE student_id = ?",
      waiter), line.get(11));
    assertEquals(1, waitlist.frozenRows());
    assertEquals("A1:L2", waitlist.autoFilter());

    // The same files in English when the admin reads the pages in English; one section's waitlist as CSV from the form.
    browser.driver.get(url("/lang/en?next=/admin/export?termId=" + term.id));
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("export-xlsx")));
    Spreadsheets english = new Spreadsheets(download(href("export-xlsx")));
    assertEquals("Enrollments", english.sheetName);
    assertEquals(List.of("Student ID", "Name", "Gender"), texts(english.rows.get(0)).subList(0, 3));
    assertEquals("Male", english.rows.get(1).get(2).getText());
    assertTrue(english.rows.get(1).get(6).getText().matches("Period 1 \\(\\S+ to \\S+\\), Friday"), english.rows.get(1).get(6).getText());
    assertEquals("Major class", english.rows.get(1).get(14).getText());
    browser.checkAccessibility("admin-export-en");

    new Select(byId("export-list")).selectByValue("waitlist");
    new Select(byId("export-sectionId")).selectByValue(Long.toString(section));
    new Select(byId("export-format")).selectByValue("csv");
    String formUrl = (String) browser.driver.executeScript(
      "const f = arguments[0]; return f.action + '?' + new URLSearchParams(new FormData(f));", byId("export-section"));
    byte[] csv = download(formUrl);
    String text = new String(csv, 3, csv.length - 3, StandardCharsets.UTF_8);
    List<CSVRecord> records = CSVFormat.EXCEL.parse(new StringReader(text)).getRecords();
    assertEquals("Position", records.get(0).get(3));
    assertEquals(List.of(Long.toString(section), "PY1 title", "T", "1", waiter), records.get(1).toList().subList(0, 5));
    assertEquals(schoolTime("SELECT DATE_FORMAT(joined_at, '%Y-%m-%d %H:%i:%s') FROM waitlist_entries WHERE student_id = ?",
      waiter).format(SECONDS), records.get(1).get(11));
  }

  /** A browser whose computer is in New York still enters and reads the term's times on the school's clock. */
  @Test
  void termTimesArePickedOnTheSchoolsClock() {
    browser.driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "America/New_York"));
    assertEquals("Asia/Shanghai", service.config.timeZone().getId(), "the test's school zone");
    logIn();
    browser.driver.get(url("/admin/catalog?termId=" + term.id));
    WebElement opens = byId("terms-selectionOpensAt");
    assertEquals("datetime-local", opens.getDomAttribute("type"));
    byId("terms-name").sendKeys("2026 秋");
    pick(opens, "2026-09-01T08:00");
    pick(byId("terms-selectionClosesAt"), "2026-09-10T18:00");
    pick(byId("terms-dropClosesAt"), "2026-09-12T18:30");
    byId("terms-maxSectionsPerStudent").sendKeys("2");
    browser.driver.findElement(By.cssSelector("form[data-kind='terms'] button[type='submit']")).click();
    waiting().until(driver -> !fixture.rows("SELECT id FROM terms WHERE name = '2026 秋'").isEmpty());
    assertEquals(List.of("2026-09-01 00:00:00|2026-09-10 10:00:00|2026-09-12 10:30:00"), fixture.rows(
      "SELECT DATE_FORMAT(selection_opens_at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(selection_closes_at, '%Y-%m-%d %H:%i:%s'),"
        + " DATE_FORMAT(drop_closes_at, '%Y-%m-%d %H:%i:%s') FROM terms WHERE name = '2026 秋'"), "stored in UTC, entered at +08:00");

    String id = fixture.rows("SELECT id FROM terms WHERE name = '2026 秋'").get(0);
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-edit='terms'][data-id='" + id + "']")));
    WebElement row = browser.driver.findElement(By.cssSelector("[data-edit='terms'][data-id='" + id + "']"))
      .findElement(By.xpath("ancestor::tr"));
    assertTrue(row.getText().contains("2026-09-01 08:00 – 2026-09-10 18:00"), row.getText());
    row.findElement(By.cssSelector("[data-edit='terms']")).click();
    WebElement editing = byId("terms-selectionOpensAt");
    waiting().until(driver -> "2026-09-01T08:00".equals(editing.getDomProperty("value")));
    assertEquals("2026-09-12T18:30", byId("terms-dropClosesAt").getDomProperty("value"));
    browser.checkAccessibility("admin-catalog-term-form");
    browser.screenshot("admin-term-picker");
  }

  /** What picking a date and time in the browser's picker leaves in the field. */
  private void pick(WebElement input, String value) {
    browser.driver.executeScript("arguments[0].value = arguments[1];"
      + " arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", input, value);
  }
}
