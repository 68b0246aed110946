package edu.xuanke.http.pages;

import edu.xuanke.auth.AuthService;
import edu.xuanke.course.CatalogKind;
import edu.xuanke.course.CatalogService;
import edu.xuanke.course.SelectionService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The course office's pages under /admin: the live dashboard, catalog management, students
 * (search, add, import with a progress bar, password resets), one student's page (profile,
 * selections and waitlists, selecting or dropping on their behalf, deactivation), rounds and
 * exports. They read through the services and leave every change to the JSON API (/api/admin/**),
 * which admin.js calls with the CSRF header, so the rules and error answers are the API's. Every
 * page needs a session with role ADMIN.
 */
public final class AdminPages {

  private static final int PAGE_SIZE = 50;

  private final Pages pages;
  private final AuthService auth;
  private final CatalogService catalog;
  private final SelectionService selection;
  /** The school's time zone: the forms' date-time pickers are read and filled in it. */
  private final ZoneId zone;

  public AdminPages(Pages pages, AuthService auth, CatalogService catalog, SelectionService selection, ZoneId zone) {
    this.pages = pages;
    this.auth = auth;
    this.catalog = catalog;
    this.selection = selection;
    this.zone = zone;
  }

  public void mount() {
    adminPage("/admin").handler(this::dashboard);
    adminPage("/admin/catalog").handler(this::catalogPage);
    adminPage("/admin/students").handler(this::students);
    adminPage("/admin/students/:studentId").handler(this::student);
    adminPage("/admin/rounds").handler(this::rounds);
    adminPage("/admin/export").handler(this::exportPage);
  }

  private Route adminPage(String path) {
    return pages.get(path).handler(pages.authenticated()).handler(Pages.requireRole("ADMIN"));
  }

  /** The terms, and the one asked for (else the current one, else the newest). */
  private Future<Map<String, Object>> withTerms(RoutingContext ctx) {
    return Future.all(catalog.records(CatalogKind.TERMS, 0), pages.viewer(ctx), catalog.currentTerm().otherwiseEmpty())
      .map(all -> {
        JsonArray terms = all.resultAt(0);
        JsonObject current = all.resultAt(2);
        long asked = parseLong(ctx.request().getParam("termId"));
        long selected = asked > 0 ? asked : current != null ? current.getLong("id")
          : terms.isEmpty() ? 0 : terms.getJsonObject(terms.size() - 1).getLong("id");
        Map<String, Object> model = new HashMap<>();
        model.put("terms", terms);
        model.put("termId", selected);
        model.put("zone", zone.getId());
        return model;
      });
  }

  private void dashboard(RoutingContext ctx) {
    withTerms(ctx).onSuccess(model -> pages.render(ctx, 200, "admin-dashboard", model)).onFailure(ctx::fail);
  }

  private void catalogPage(RoutingContext ctx) {
    withTerms(ctx).compose(model -> {
        long termId = (Long) model.get("termId");
        return Future.all(catalog.records(CatalogKind.PERIODS, termId), catalog.records(CatalogKind.COURSE_TYPES, 0),
            catalog.records(CatalogKind.SECTIONS, termId))
          .map(all -> {
            model.put("periods", all.resultAt(0));
            model.put("types", all.resultAt(1));
            model.put("sections", all.resultAt(2));
            model.put("weekdays", List.of(1, 2, 3, 4, 5, 6, 7));
            return model;
          });
      })
      .onSuccess(model -> pages.render(ctx, 200, "admin-catalog", model))
      .onFailure(ctx::fail);
  }

  private void students(RoutingContext ctx) {
    JsonObject query = new JsonObject().put("size", PAGE_SIZE).put("page", (int) Math.max(1, parseLong(ctx.request().getParam("page"))));
    for (String name : List.of("q", "className", "college")) query.put(name, ctx.request().getParam(name, "").trim());
    withTerms(ctx).compose(model -> Future.all(auth.students(query), auth.colleges()).map(all -> {
        JsonObject page = all.resultAt(0);
        model.put("query", query);
        model.put("page", page);
        model.put("pages", Math.max(1, (page.getLong("total") + PAGE_SIZE - 1) / PAGE_SIZE));
        model.put("colleges", all.resultAt(1));
        return model;
      }))
      .onSuccess(model -> pages.render(ctx, 200, "admin-students", model))
      .onFailure(ctx::fail);
  }

  /**
   * One student: the profile form, their selections and waitlists in their cohort's term (the
   * term shown), and the term's sections to select for them; every change goes through the API.
   */
  private void student(RoutingContext ctx) {
    auth.student(ctx.pathParam("studentId")).compose(student -> withTerms(ctx).compose(model -> {
        Long termId = student.getLong("termId");
        if (termId != null) model.put("termId", termId);
        Future<JsonObject> held = termId == null ? Future.succeededFuture(new JsonObject())
          : selection.selectionsIn(termId, student.getString("studentId"));
        Future<JsonArray> sections = termId == null ? Future.succeededFuture(new JsonArray())
          : catalog.records(CatalogKind.SECTIONS, termId);
        return Future.all(held, sections, auth.colleges()).map(all -> {
          Timetable selections = Timetable.of(held.result(), sections.result());
          model.put("student", student);
          model.put("enrolled", selections.enrolled());
          model.put("waitlisted", selections.waitlisted());
          model.put("sections", sections.result());
          model.put("colleges", all.resultAt(2));
          return model;
        });
      }))
      .onSuccess(model -> pages.render(ctx, 200, "admin-student", model))
      .onFailure(ctx::fail);
  }

  /** The term's rounds; the lottery, its progress and the publication go through the API (admin.js). */
  private void rounds(RoutingContext ctx) {
    withTerms(ctx).compose(model -> {
        long termId = (Long) model.get("termId");
        return (termId == 0 ? Future.succeededFuture(new JsonArray()) : catalog.rounds(termId)).map(rounds -> {
          model.put("rounds", rounds);
          return model;
        });
      })
      .onSuccess(model -> pages.render(ctx, 200, "admin-rounds", model))
      .onFailure(ctx::fail);
  }

  /** Links and a form to the export API; the files come in the page's language. */
  private void exportPage(RoutingContext ctx) {
    withTerms(ctx).compose(model -> {
        long termId = (Long) model.get("termId");
        return (termId == 0 ? Future.succeededFuture(new JsonArray()) : catalog.records(CatalogKind.SECTIONS, termId))
          .map(sections -> {
            model.put("sections", sections);
            return model;
          });
      })
      .onSuccess(model -> pages.render(ctx, 200, "admin-export", model))
      .onFailure(ctx::fail);
  }

  private static long parseLong(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
