package edu.xuanke.http.pages;

import edu.xuanke.support.Browser;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin dashboard in headless Chromium, as the course office uses it: an admin who logs in
 * lands on it; refusal reasons are sentences in zh-CN and English, never codes; the students of the
 * cohort who have selected nothing are counted live and listed in the CSV and XLSX downloads; the
 * chart has a time axis; the catalog page opens no seat stream (no termId=undefined). Every request
 * a page makes is recorded by a script installed before the page's own ones run.
 * Screenshots go to target/screenshots/.
 */
class DashboardBrowserTest {

  /** Records each EventSource, fetch and XMLHttpRequest URL in localStorage, across page loads. */
  private static final String RECORD_REQUESTS = """
    (() => {
      const record = url => {
        const list = JSON.parse(localStorage.getItem('recorded-requests') || '[]');
        list.push(String(url));
        localStorage.setItem('recorded-requests', JSON.stringify(list));
      };
      const NativeEventSource = window.EventSource;
      window.EventSource = function (url, init) { record(url); return new NativeEventSource(url, init); };
      window.EventSource.prototype = NativeEventSource.prototype;
      const nativeFetch = window.fetch;
      window.fetch = function (input, init) { record(input && input.url ? input.url : input); return nativeFetch.apply(this, arguments); };
      const nativeOpen = XMLHttpRequest.prototype.open;
      XMLHttpRequest.prototype.open = function (method, url) { record(url); return nativeOpen.apply(this, arguments); };
    })();
    """;

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long roomy;
  private long single;
  private List<String> students;
  private Browser browser;

  @BeforeEach
  void start() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(2);
    roomy = term.section("PY1", 5, 2, "18:45", "21:45");
    single = term.section("AI1", 1, 3, "08:00", "09:30");
    students = term.students("DB", 4);
    fixture.students("ELSE", 2, null, true); // in no cohort: never counted
    fixture.admin("office");
    fixture.admin("clerk"); // downloads through the API: one session per account, so not the browser's
    service.start();
    // DB0001 holds a seat, DB0002 the single one, DB0003 waits for it; DB0004 has selected nothing.
    String first = service.login(students.get(0));
    assertEquals(201, service.select(first, roomy, false).await().statusCode());
    assertEquals(409, service.select(first, roomy, false).await().statusCode(), "a refusal for the dashboard");
    assertEquals(201, service.select(service.login(students.get(1)), single, false).await().statusCode());
    assertEquals(202, service.select(service.login(students.get(2)), single, true).await().statusCode());
    browser = new Browser();
    browser.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORD_REQUESTS));
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

  @SuppressWarnings("unchecked")
  private List<String> recordedRequests() {
    return (List<String>) browser.driver.executeScript(
      "return JSON.parse(localStorage.getItem('recorded-requests') || '[]')"
        + ".concat(performance.getEntriesByType('resource').map(e => e.name));");
  }

  @Test
  void theOfficeSeesWhoHasNotSelectedAndWhyStudentsWereRefused() throws Exception {
    Set<String> keys = pageKeys();
    browser.driver.get(url("/login"));
    browser.byId("studentId").sendKeys("office");
    browser.byId("password").sendKeys(Fixture.PASSWORD);
    browser.byId("login-submit").click();
    browser.waiting().until(driver -> !driver.getCurrentUrl().contains("/login"));
    assertEquals("/admin", URI.create(browser.driver.getCurrentUrl()).getPath(), "an admin lands on the admin area");

    browser.waiting().until(ExpectedConditions.textToBe(By.id("f-unselected"), "1 / 4"));
    browser.waiting().until(driver -> !driver.findElements(By.cssSelector("#refusal-table tbody tr")).isEmpty());
    assertEquals("你已选上该课程班。 1", browser.byId("refusal-table").findElement(By.cssSelector("tbody tr")).getText());
    assertEquals(List.of(), browser.untranslated(keys), "no raw code or key on the dashboard (zh-CN)");
    String text = browser.byId("main").getText();
    for (String jargon : List.of("未落库", "Redis", "MySQL", "stream")) {
      assertTrue(!text.contains(jargon), "plain labels, no \"" + jargon + "\": " + text);
    }
    // The time axis: the chart's period in clock times once two samples are in.
    browser.waiting().until(driver -> browser.byId("rate-chart").getDomAttribute("aria-label").matches(".*\\d\\d:\\d\\d:\\d\\d–\\d\\d:\\d\\d:\\d\\d"));
    browser.screenshot("admin-dashboard-unselected-zh-CN");
    browser.checkAccessibility("dashboard");

    String admin = service.login("clerk");
    String link = "/api/admin/unselected?termId=" + term.id;
    assertTrue(browser.byId("unselected-csv").getDomAttribute("href").startsWith(link + "&format=csv"));
    assertTrue(browser.byId("unselected-xlsx").getDomAttribute("href").startsWith(link + "&format=xlsx"));
    HttpResponse<Buffer> csv = service.http.get(link + "&format=csv").bearerTokenAuthentication(admin).send().await();
    assertEquals(200, csv.statusCode());
    assertEquals("\uFEFF学号,姓名,性别,班级,专业,学院,邮箱,手机号\r\nDB0004,Name DB0004,男,C1,M1,理学院,db0004@example.edu.cn,13800000000\r\n",
      csv.bodyAsString("UTF-8"));
    HttpResponse<Buffer> xlsx = service.http.get(link + "&format=xlsx&lang=en").bearerTokenAuthentication(admin).send().await();
    assertEquals(200, xlsx.statusCode());
    assertEquals(List.of(List.of("Student ID", "Name", "Gender", "Class", "Major", "College", "Email", "Phone"),
      List.of("DB0004", "Name DB0004", "M", "C1", "M1", "理学院", "db0004@example.edu.cn", "13800000000")), sheet(xlsx, "No selection"));
    assertEquals(403, service.http.get(link + "&format=csv").bearerTokenAuthentication(service.login(students.get(0)))
      .send().await().statusCode(), "for the office only");

    // The last student selects: the count follows, and the list is empty but for its header.
    assertEquals(201, service.select(service.login(students.get(3)), roomy, false).await().statusCode());
    browser.waiting().until(ExpectedConditions.textToBe(By.id("f-unselected"), "0 / 4"));
    assertEquals(List.of(List.of("学号", "姓名", "性别", "班级", "专业", "学院", "邮箱", "手机号")),
      sheet(service.http.get(link + "&format=xlsx").bearerTokenAuthentication(admin).send().await(), "未选课学生"));

    browser.driver.get(url("/lang/en?next=/"));
    browser.driver.get(url("/admin?termId=" + term.id));
    assertEquals("en", browser.driver.findElement(By.xpath("/html")).getDomAttribute("lang"));
    browser.waiting().until(ExpectedConditions.textToBe(By.id("f-unselected"), "0 / 4"));
    browser.waiting().until(driver -> !driver.findElements(By.cssSelector("#refusal-table tbody tr")).isEmpty());
    String refusal = browser.byId("refusal-table").findElement(By.cssSelector("tbody tr")).getText();
    assertTrue(refusal.endsWith(" 1") && !refusal.contains("ALREADY_ENROLLED") && !refusal.contains("你"), refusal);
    assertEquals(List.of(), browser.untranslated(keys), "no raw code or key on the dashboard (English)");
    browser.screenshot("admin-dashboard-unselected-en");
    browser.checkAccessibility("dashboard (English)");

    List<String> before = recordedRequests();
    assertTrue(before.stream().anyMatch(u -> u.contains("/api/admin/stats/stream?termId=" + term.id)),
      "the recorder sees the dashboard's own stream: " + before);
    browser.driver.executeScript("localStorage.removeItem('recorded-requests');");
    browser.driver.get(url("/admin/catalog?termId=" + term.id));
    Thread.sleep(4_000); // longer than EventSource's 3 s retry
    List<String> requests = recordedRequests();
    assertEquals(List.of(), requests.stream().filter(u -> u.contains("undefined") || u.contains("/api/seats/stream")).toList(),
      "requests of the catalog page: " + requests);
  }

  private static List<List<String>> sheet(HttpResponse<Buffer> xlsx, String name) throws IOException {
    assertEquals(200, xlsx.statusCode());
    List<List<String>> out = new ArrayList<>();
    try (ReadableWorkbook workbook = new ReadableWorkbook(new ByteArrayInputStream(xlsx.body().getBytes()))) {
      Sheet sheet = workbook.getFirstSheet();
      assertEquals(name, sheet.getName());
      for (Row row : sheet.read()) {
        List<String> cells = new ArrayList<>();
        for (int c = 0; c < row.getCellCount(); c++) cells.add(row.getCellText(c));
        out.add(cells);
      }
    }
    return out;
  }

  /** Every key of the pages bundle: one showing on a page means a text was never translated. */
  private static Set<String> pageKeys() throws IOException {
    Properties keys = new Properties();
    try (InputStream in = DashboardBrowserTest.class.getClassLoader().getResourceAsStream("i18n/pages.properties")) {
      keys.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return keys.stringPropertyNames();
  }
}
