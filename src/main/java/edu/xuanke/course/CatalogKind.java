package edu.xuanke.course;

import io.vertx.codegen.annotations.VertxGen;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of catalog record an admin edits. The admin routes and pages are made from
 * {@link #values()}, so a new kind is one constant here and its cases in the editor (whose
 * switches over the kind have no default: the compiler names every place that must handle it).
 */
@VertxGen
public enum CatalogKind {
  TERMS("terms", false),
  PERIODS("periods", true),
  COURSE_TYPES("course-types", false),
  SECTIONS("sections", true);

  private final String path;
  private final boolean ofTerm;

  CatalogKind(String path, boolean ofTerm) {
    this.path = path;
    this.ofTerm = ofTerm;
  }

  /** The kind's segment in /api/admin/{path} and in the admin page's forms. */
  public String path() {
    return path;
  }

  /** Whether each record belongs to one term (listed per term with ?termId=). */
  public boolean ofTerm() {
    return ofTerm;
  }

  public static Optional<CatalogKind> ofPath(String path) {
    return Arrays.stream(values()).filter(k -> k.path.equals(path)).findFirst();
  }
}
