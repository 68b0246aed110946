package edu.xuanke.http.pages;

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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
  private Browser browser;

  @BeforeEach
  void start() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    section = term.section("PY1", 5, 2, "18:45", "21:45");
    students = term.students("AP", 2);
    fixture.admin("office");
    service.start();
    assertEquals(201, service.select(service.login(students.get(0)), section, false).await().statusCode());
    browser = new Browser();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (browser != null) assertEquals(List.of(), browser.pageProblems(), "no script errors or CSP violations");
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
    Path csv = Files.createTempFile("students-", ".csv");
    Files.writeString(csv, "学号,姓名,性别\nNEW0001,张三,男\nNEW0002,李四,X\n", StandardCharsets.UTF_8);
    byId("import-file").sendKeys(csv.toString());
    byId("import-submit").click();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("import-result"), "完成"));
    assertTrue(byId("import-result").getText().contains("新建 1 人"), byId("import-result").getText());
    assertTrue(byId("import-passwords").isDisplayed());
    assertEquals("3 INVALID_GENDER", byId("import-errors").findElement(By.cssSelector("tbody tr")).getText());
    assertEquals("2", byId("import-progress").getDomProperty("value"));
    browser.screenshot("admin-import");
    Files.delete(csv);

    browser.driver.findElement(By.cssSelector("[data-reset='" + students.get(1) + "']")).click();
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
      By.cssSelector("form[data-kind='sections'] .field-error[data-for='capacity']"), "OUT_OF_RANGE"));
    browser.screenshot("admin-catalog-error");
    capacity.clear();
    capacity.sendKeys("8");
    browser.driver.findElement(By.cssSelector("form[data-kind='sections'] button[type='submit']")).click();
    waiting().until(driver -> fixture.rows("SELECT capacity FROM sections WHERE id = ?", section).equals(List.of("8")));
    assertEquals(List.of("1"), fixture.rows("SELECT COUNT(*) FROM enrollments WHERE section_id = ?", section));
  }
}
