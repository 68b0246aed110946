package edu.xuanke.http.pages;

import edu.xuanke.support.Browser;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One student's page in the admin area, in headless Chromium: the office sees the student's
 * selections, selects a section for them, drops one only after confirming (a dismissed question
 * changes nothing), and resets the password only after confirming; re-adding the student's 学号 asks
 * before updating them. Screenshot: admin-student.
 */
class AdminStudentPageBrowserTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private long own;
  private long offered;
  private String student;
  private Browser browser;

  @BeforeEach
  void start() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    term = fixture.openTerm(3);
    own = term.section("PY1", 5, 2, "18:45", "21:45");
    offered = term.section("DS2", 5, 3, "08:00", "09:40");
    student = term.students("AS", 1).get(0);
    fixture.admin("office");
    service.start();
    assertEquals(201, service.select(service.login(student), own, false).await().statusCode());
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

  private WebDriverWait waiting() {
    return new WebDriverWait(browser.driver, Duration.ofSeconds(15));
  }

  private WebElement byId(String id) {
    return browser.driver.findElement(By.id(id));
  }

  private List<WebElement> heldRow(long sectionId) {
    return browser.driver.findElements(By.cssSelector("#held tr[data-section='" + sectionId + "']"));
  }

  @Test
  void theOfficeSeesSelectsDropsAndResetsForOneStudentAfterConfirming() {
    browser.driver.get("http://localhost:" + service.config.httpPort() + "/admin/students/" + student + "?termId=" + term.id);
    waiting().until(ExpectedConditions.urlContains("/login"));
    byId("studentId").sendKeys("office");
    byId("password").sendKeys(Fixture.PASSWORD);
    byId("login-submit").click();
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("held")));
    assertTrue(heldRow(own).get(0).getText().contains("学生本人"), heldRow(own).get(0).getText());

    new Select(byId("enrol-section")).selectByValue(Long.toString(offered));
    byId("enrol-submit").click();
    waiting().until(driver -> !heldRow(offered).isEmpty());
    assertTrue(heldRow(offered).get(0).getText().contains("教务处代选"), heldRow(offered).get(0).getText());

    WebElement drop = heldRow(own).get(0).findElement(By.cssSelector("[data-drop-for]"));
    drop.click();
    String question = waiting().until(ExpectedConditions.alertIsPresent()).getText();
    assertTrue(question.contains(student) && question.contains("PY1 title"), question);
    browser.driver.switchTo().alert().dismiss();
    assertEquals(1, heldRow(own).size(), "a dismissed question drops nothing");
    drop.click();
    waiting().until(ExpectedConditions.alertIsPresent()).accept();
    waiting().until(driver -> heldRow(own).isEmpty());
    browser.screenshot("admin-student");
    browser.checkAccessibility("/admin/students/{id}");

    byId("student-reset").click();
    waiting().until(ExpectedConditions.alertIsPresent()).dismiss();
    assertEquals("", byId("student-result").getText(), "a dismissed reset changes nothing");
    byId("student-reset").click();
    waiting().until(ExpectedConditions.alertIsPresent()).accept();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("student-result"), "一次性密码"));
    String shown = byId("student-result").getText();
    String temporary = shown.substring(shown.lastIndexOf(' ') + 1);
    assertEquals(200, service.http.post("/api/auth/login").sendJsonObject(new JsonObject()
      .put("studentId", student).put("password", temporary)).await().statusCode());

    // Re-adding the 学号 from the students page asks first; the choices are select elements.
    browser.driver.get("http://localhost:" + service.config.httpPort() + "/admin/students?termId=" + term.id);
    byId("add-studentId").sendKeys(student.toLowerCase());
    byId("add-name").sendKeys("改名");
    new Select(byId("add-gender")).selectByValue("F");
    new Select(byId("add-college")).selectByVisibleText("理学院");
    WebElement add = browser.driver.findElement(By.cssSelector("#add-student button[type='submit']"));
    add.click();
    String asked = waiting().until(ExpectedConditions.alertIsPresent()).getText();
    assertTrue(asked.contains(student) && asked.contains("Name " + student), asked);
    browser.driver.switchTo().alert().dismiss();
    assertEquals(List.of("Name " + student + "|M"), fixture.rows("SELECT name, gender FROM accounts WHERE student_id = ?", student),
      "a dismissed question changes nothing");
    add.click();
    waiting().until(ExpectedConditions.alertIsPresent()).accept();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#add-student .result"), "已转入本学期"));
    browser.checkAccessibility("/admin/students after re-adding a student");
    assertEquals(List.of("改名|F|理学院"), fixture.rows("SELECT name, gender, college FROM accounts WHERE student_id = ?", student));

    service.drain(term.id);
    assertEquals(List.of(own + "|DROPPED|office", offered + "|ENROLLED|office"), fixture.rows(
      "SELECT section_id, state, actor FROM enrollments WHERE student_id = ? ORDER BY section_id", student));
  }
}
