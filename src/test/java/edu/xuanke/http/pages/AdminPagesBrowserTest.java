package edu.xuanke.http.pages;

import edu.xuanke.auth.OneTimePasswords;
import edu.xuanke.support.Browser;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin pages in headless Chromium: the dashboard fills from the live feed and reconciles,
 * an import shows its progress and result, a reset shows the temporary password, and a catalog
 * form shows the API's field error, then saves. Screenshots go to target/screenshots/.
 */
class AdminPagesBrowserTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long section;
  private List<String> students;
  /** A student who must replace a one-time password before selecting. */
  private String firstLogin;
  private final String oneTimePassword = OneTimePasswords.generate();
  private Browser browser;

  @BeforeEach
  void start() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    section = term.section("PY1", 5, 2, "18:45", "21:45");
    students = term.students("AP", 2);
    firstLogin = term.students("OT", 1).get(0);
    fixture.execute("UPDATE accounts SET password_hash = ?, must_change_password = TRUE WHERE student_id = ?",
      OneTimePasswords.hash(oneTimePassword), firstLogin);
    fixture.admin("office");
    service.start();
    assertEquals(201, service.select(service.login(students.get(0)), section, false).await().statusCode());
    browser = new Browser();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (browser != null) browser.assertCleanPages();
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
    return new WebDriverWait(browser.driver, Duration.ofSeconds(15));
  }

  private WebElement byId(String id) {
    return browser.driver.findElement(By.id(id));
  }

  @Test
  void theOfficeRunsARoundFromTheAdminPages() throws Exception {
    browser.driver.get(url("/admin"));
    waiting().until(ExpectedConditions.urlContains("/login"));
    byId("studentId").sendKeys("office");
    byId("password").sendKeys(Fixture.PASSWORD);
    byId("login-submit").click();
    waiting().until(ExpectedConditions.textToBe(By.id("f-enrolled"), "1 / 5"));
    assertEquals("20.0%", byId("f-fill").getText());
    assertEquals(1, browser.driver.findElements(By.cssSelector("#fill-table tbody tr")).size());
    byId("reconcile").click();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("reconcile-result"), "一致"));
    browser.screenshot("admin-dashboard");

    browser.driver.get(url("/admin/students?termId=" + term.id));
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-reset='" + students.get(1) + "']")));
    browser.checkAccessibility("/admin/students");
    Path csv = Files.createTempFile("students-", ".csv");
    // Saved as Excel on Chinese Windows saves "CSV": in GBK.
    Files.writeString(csv, "学号,姓名,性别\nNEW0001,张三,男\nNEW0002,李四,X\n", Charset.forName("GBK"));
    byId("import-file").sendKeys(csv.toString());
    byId("import-submit").click();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("import-result"), "完成"));
    assertTrue(byId("import-result").getText().contains("新建 1 人"), byId("import-result").getText());
    assertTrue(byId("import-passwords").isDisplayed());
    assertEquals("3 性别应为“男”或“女”。", byId("import-errors").findElement(By.cssSelector("tbody tr")).getText());
    assertEquals(List.of("张三"), fixture.rows("SELECT name FROM accounts WHERE student_id = 'NEW0001'"), "GBK read as GBK");
    assertEquals("2", byId("import-progress").getDomProperty("value"));
    browser.screenshot("admin-import");
    browser.checkAccessibility("/admin/students with an import's progress and errors");
    Files.delete(csv);

    browser.driver.findElement(By.cssSelector("[data-reset='" + students.get(1) + "']")).click();
    waiting().until(ExpectedConditions.alertIsPresent()).accept(); // a reset is asked first
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("reset-result"), students.get(1)));
    String shown = byId("reset-result").getText();
    String temporary = shown.substring(shown.lastIndexOf(' ') + 1);
    assertEquals(200, service.http.post("/api/auth/login").sendJsonObject(new io.vertx.core.json.JsonObject()
      .put("studentId", students.get(1)).put("password", temporary)).await().statusCode());

    browser.driver.get(url("/admin/catalog?termId=" + term.id));
    browser.driver.findElement(By.cssSelector("[data-edit='sections'][data-id='" + section + "']")).click();
    WebElement capacity = byId("sections-capacity");
    waiting().until(driver -> "5".equals(capacity.getDomProperty("value")));
    capacity.clear();
    capacity.sendKeys("-1");
    browser.driver.findElement(By.cssSelector("form[data-kind='sections'] button[type='submit']")).click();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(
      By.cssSelector("form[data-kind='sections'] .field-error[data-for='capacity']"), "容量为 0 到 100000 之间的整数。"));
    browser.screenshot("admin-catalog-error");
    browser.checkAccessibility("/admin/catalog with a field error");
    capacity.clear();
    capacity.sendKeys("8");
    browser.driver.findElement(By.cssSelector("form[data-kind='sections'] button[type='submit']")).click();
    waiting().until(driver -> fixture.rows("SELECT capacity FROM sections WHERE id = ?", section).equals(List.of("8")));
    assertEquals(List.of("1"), fixture.rows("SELECT COUNT(*) FROM enrollments WHERE section_id = ?", section));
  }

  /** Every page key of the pages bundle: one showing on a page means a text was never translated. */
  private static Set<String> pageKeys() throws IOException {
    Properties keys = new Properties();
    try (InputStream in = AdminPagesBrowserTest.class.getClassLoader().getResourceAsStream("i18n/pages.properties")) {
      keys.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return keys.stringPropertyNames();
  }

  private void logInAs(String id) {
    logInAs(id, Fixture.PASSWORD);
  }

  private void logInAs(String id, String password) {
    browser.driver.get(url("/login"));
    byId("studentId").sendKeys(id);
    byId("password").sendKeys(password);
    byId("login-submit").click();
    waiting().until(driver -> !driver.getCurrentUrl().contains("/login"));
  }

  /**
   * Every page and its states (errors, refusals on the dashboard, a refused import row, a refused
   * catalog field, the wishes of an open round, the catalog of a student who must first replace a
   * one-time password, the rounds and export pages) in zh-CN and in English: nothing on them is a raw
   * code or a message key.
   */
  @Test
  void noPageShowsAnUntranslatedKeyInEitherLanguage() throws Exception {
    Set<String> keys = pageKeys();
    // A refusal for the dashboard's table of reasons.
    String token = service.login(students.get(1));
    assertEquals(201, service.select(token, section, false).await().statusCode());
    assertEquals(409, service.select(token, section, false).await().statusCode());
    // An open round, for /wishes and /admin/rounds.
    Instant now = Instant.now();
    var round = service.http.post("/api/admin/rounds").bearerTokenAuthentication(service.login("office")).sendJsonObject(
      new io.vertx.core.json.JsonObject().put("termId", term.id).put("kind", "PRESELECT")
        .put("opensAt", now.toString()).put("closesAt", now.plus(Duration.ofHours(1)).toString())
        .put("maxWishes", 2)).await();
    assertEquals(201, round.statusCode(), round.bodyAsString());
    List<String> found = new ArrayList<>();
    for (String lang : List.of("zh-CN", "en")) {
      browser.driver.get(url("/lang/" + lang + "?next=/login"));
      byId("login-submit").click(); // empty: the page's own message, not the browser's
      waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("login-error")));
      check(found, lang, "login with empty fields", keys);

      logInAs(students.get(1));
      for (String page : List.of("/", "/timetable", "/profile", "/password", "/activate?token=x", "/no-such-page")) {
        browser.driver.get(url(page));
        check(found, lang, page, keys);
      }
      browser.driver.get(url("/wishes"));
      assertTrue(byId("wish-form").isDisplayed(), "the open round's wish form");
      check(found, lang, "/wishes with an open round", keys);
      browser.screenshot("wishes-" + lang);
      browser.driver.get(url("/profile"));
      WebElement phone = byId("phone");
      phone.clear();
      phone.sendKeys("12345");
      byId("profile-save").click();
      String hint = waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("phone-error"))).getText();
      assertTrue(hint.contains("13800138000"), "the phone's error says the expected format: " + hint);
      check(found, lang, "profile with a field error", keys);

      logInAs(firstLogin, oneTimePassword);
      for (String page : List.of("/password", "/")) {
        browser.driver.get(url(page));
        check(found, lang, page + " before the one-time password is replaced", keys);
      }
      assertTrue(byId("password-required").isDisplayed(), "the catalog asks for the password first");
      browser.screenshot("catalog-password-required-" + lang);

      logInAs("office");
      for (String page : List.of("/admin/rounds", "/admin/export")) {
        browser.driver.get(url(page + "?termId=" + term.id));
        check(found, lang, page, keys);
      }
      browser.screenshot("admin-export-" + lang);
      browser.driver.get(url("/admin?termId=" + term.id));
      waiting().until(driver -> !driver.findElements(By.cssSelector("#refusal-table tbody tr")).isEmpty());
      check(found, lang, "/admin", keys);
      browser.screenshot("admin-dashboard-" + lang);
      browser.driver.get(url("/admin/catalog?termId=" + term.id));
      browser.driver.findElement(By.cssSelector("[data-edit='sections'][data-id='" + section + "']")).click();
      WebElement capacity = byId("sections-capacity");
      waiting().until(driver -> !capacity.getDomProperty("value").isEmpty());
      capacity.clear();
      capacity.sendKeys("-1");
      browser.driver.findElement(By.cssSelector("form[data-kind='sections'] button[type='submit']")).click();
      waiting().until(driver -> !driver.findElement(
        By.cssSelector("form[data-kind='sections'] .field-error[data-for='capacity']")).getText().isEmpty());
      check(found, lang, "/admin/catalog with a field error", keys);
      browser.driver.get(url("/admin/students?termId=" + term.id));
      Path csv = Files.createTempFile("students-", ".csv");
      Files.writeString(csv, "学号,姓名,性别,学院,手机\n,无号,男,,\nBAD1,某,X,不存在学院,12\n", StandardCharsets.UTF_8);
      byId("import-file").sendKeys(csv.toString());
      byId("import-submit").click();
      waiting().until(driver -> byId("import-errors").isDisplayed());
      assertEquals(4, browser.driver.findElements(By.cssSelector("#import-errors tbody tr")).size(), "every problem of each row");
      check(found, lang, "/admin/students with import errors", keys);
      browser.screenshot("admin-import-errors-" + lang);
      Files.delete(csv);
      browser.driver.get(url("/admin/students/" + students.get(1) + "?termId=" + term.id));
      WebElement editPhone = byId("edit-phone");
      editPhone.clear();
      editPhone.sendKeys("12");
      byId("edit-save").click();
      waiting().until(driver -> !driver.findElement(
        By.cssSelector("#edit-student .field-error[data-for='phone']")).getText().isEmpty());
      check(found, lang, "/admin/students/{id} with a field error", keys);
      browser.driver.findElement(By.id("logout")).click();
    }
    assertEquals(List.of(), found, "untranslated texts");
  }

  private void check(List<String> found, String lang, String page, Set<String> keys) {
    browser.untranslated(keys).forEach(text -> found.add(lang + " " + page + ": " + text));
  }
}
