package edu.xuanke;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules the README's layout promises, checked on the compiled classes: a domain
 * reaches another through its service interface or an event, never through its implementation,
 * and no two domains depend on each other.
 */
class ArchitectureUnitTest {

  private static JavaClasses production;

  @BeforeAll
  static void importClasses() {
    production = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("edu.xuanke");
  }

  @Test
  void noCycleBetweenDomains() {
    slices().matching("edu.xuanke.(*)..").should().beFreeOfCycles().check(production);
  }

  /** The slices above leave out the root package ({@code Main}); the service must not reach back into its harness. */
  @Test
  void theServiceDependsOnNeitherTheHarnessNorTheLauncher() {
    noClasses().that().resideOutsideOfPackages("edu.xuanke.bench..", "edu.xuanke.cli..")
      .should().dependOnClassesThat().resideInAnyPackage("edu.xuanke.bench..", "edu.xuanke.cli..")
      .check(production);
  }

  @Test
  void theSharedCoreDependsOnNoDomain() {
    noClasses().that().resideInAPackage("edu.xuanke.core..")
      .should().dependOnClassesThat().resideOutsideOfPackages("edu.xuanke.core..", "java..", "javax..", "io..",
        "org..", "com..")
      .check(production);
  }

  @Test
  void mailDependsOnNoOtherDomain() {
    noClasses().that().resideInAPackage("edu.xuanke.mail..")
      .should().dependOnClassesThat().resideInAnyPackage("edu.xuanke.auth..", "edu.xuanke.course..",
        "edu.xuanke.admin..", "edu.xuanke.round..", "edu.xuanke.http..", "edu.xuanke.demo..", "edu.xuanke.bench..")
      .check(production);
  }

  /** An implementation is created by its own domain's verticle and reached by others only through the interface. */
  @ParameterizedTest
  @ValueSource(strings = {"admin", "auth", "course", "mail", "round"})
  void anImplementationIsPrivateToItsDomain(String domain) {
    String home = "edu.xuanke." + domain;
    classes().that().resideInAPackage(home + ".impl..")
      .should().onlyHaveDependentClassesThat().resideInAnyPackage(home, home + ".impl..")
      .check(production);
  }
}
