package edu.xuanke.course;

import edu.xuanke.core.Times;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The terms and sections of the catalog, read from MySQL and held in memory so that the
 * selection route resolves a section without a database round trip. {@link #reload} replaces
 * the whole snapshot; a section missing from it is looked up once more in MySQL.
 */
public final class Catalog {

  public record Term(long id, String name, Instant opensAt, Instant closesAt, Instant dropClosesAt,
                     int maxSectionsPerStudent, boolean profileRequired) {

    public boolean openAt(Instant now) {
      return !now.isBefore(opensAt) && now.isBefore(closesAt);
    }

    /** Whether the term still needs live state: selection or drop not yet over. */
    public boolean liveAt(Instant now) {
      return now.isBefore(closesAt) || now.isBefore(dropClosesAt);
    }
  }

  public record Section(long id, long termId, long periodId, int periodIndex, LocalDate periodStart,
                        LocalDate periodEnd, long typeId, String typeName, String courseCode,
                        String courseTitle, String teacher, String assistant, String location,
                        int capacity, String nature, int weekday, LocalTime startTime,
                        LocalTime endTime, String allowedPrefixes) {

    /** The section as the selection scripts see it. */
    public SectionMeta meta() {
      return new SectionMeta(capacity, courseCode, weekday, startTime, endTime, periodStart, periodEnd, allowedPrefixes);
    }

    public JsonObject toJson() {
      return new JsonObject()
        .put("id", id)
        .put("termId", termId)
        .put("courseCode", courseCode)
        .put("courseTitle", courseTitle)
        .put("typeId", typeId)
        .put("typeName", typeName)
        .put("periodId", periodId)
        .put("periodIndex", periodIndex)
        .put("periodStartsOn", periodStart.toString())
        .put("periodEndsOn", periodEnd.toString())
        .put("teacher", teacher)
        .put("assistant", assistant)
        .put("location", location)
        .put("nature", nature)
        .put("weekday", weekday)
        .put("startTime", HH_MM.format(startTime))
        .put("endTime", HH_MM.format(endTime))
        .put("capacity", capacity)
        .put("restricted", !allowedPrefixes.isBlank())
        .put("allowedPrefixes", allowedPrefixes.trim());
    }
  }

  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  private static final String TERMS_SQL =
    "SELECT id, name, selection_opens_at, selection_closes_at, drop_closes_at, max_sections_per_student,"
      + " profile_required FROM terms WHERE retired = FALSE";

  private static final String SECTIONS_SQL =
    "SELECT s.id, s.term_id, s.period_id, p.idx, p.starts_on, p.ends_on, s.type_id, t.name AS type_name,"
      + " s.course_code, s.course_title, s.teacher, s.assistant, s.location, s.capacity, s.nature, s.weekday,"
      + " TIME_FORMAT(s.start_time, '%H:%i') AS start_time, TIME_FORMAT(s.end_time, '%H:%i') AS end_time,"
      + " s.allowed_prefixes"
      + " FROM sections s JOIN periods p ON p.id = s.period_id JOIN course_types t ON t.id = s.type_id"
      + " JOIN terms tm ON tm.id = s.term_id"
      + " WHERE s.retired = FALSE AND tm.retired = FALSE";

  private final Pool mysql;
  private volatile Map<Long, Term> terms = Map.of();
  private volatile Map<Long, Section> sections = Map.of();
  private Future<Void> running;
  private Promise<Void> queued;

  public Catalog(Pool mysql) {
    this.mysql = mysql;
  }

  /**
   * Reads the catalog afresh. Callers that ask while a reload runs share one more reload after it
   * (the running one may have read before their change): hundreds of terms loading at once, or a
   * burst of edits, cost two reads rather than one each.
   */
  public synchronized Future<Void> reload() {
    if (running == null) {
      Future<Void> reading = read();
      running = reading;
      reading.onComplete(done -> readFinished());
      return reading;
    }
    if (queued == null) queued = Promise.promise();
    return queued.future();
  }

  private synchronized void readFinished() {
    running = null;
    if (queued == null) return;
    Promise<Void> waiting = queued;
    queued = null;
    reload().onComplete(waiting);
  }

  private Future<Void> read() {
    Future<Map<Long, Term>> loadedTerms = mysql.query(TERMS_SQL).execute().map(rows -> {
      Map<Long, Term> byId = new LinkedHashMap<>();
      rows.forEach(row -> byId.put(row.getLong("id"), term(row)));
      return byId;
    });
    Future<Map<Long, Section>> loadedSections = mysql.query(SECTIONS_SQL + " ORDER BY s.id").execute().map(rows -> {
      Map<Long, Section> byId = new LinkedHashMap<>();
      rows.forEach(row -> byId.put(row.getLong("id"), section(row)));
      return byId;
    });
    return Future.all(loadedTerms, loadedSections).map(done -> {
      terms = Map.copyOf(loadedTerms.result());
      sections = Collections.unmodifiableMap(loadedSections.result());
      return null;
    });
  }

  public Collection<Term> terms() {
    return terms.values();
  }

  public Optional<Term> term(long id) {
    return Optional.ofNullable(terms.get(id));
  }

  /** The term open now; else the next to open; else the one that closed last. */
  public Optional<Term> currentTerm(Instant now) {
    Collection<Term> all = terms.values();
    return all.stream().filter(t -> t.openAt(now)).findFirst()
      .or(() -> all.stream().filter(t -> t.opensAt().isAfter(now)).min(Comparator.comparing(Term::opensAt)))
      .or(() -> all.stream().max(Comparator.comparing(Term::closesAt)));
  }

  public List<Section> sectionsOf(long termId) {
    return sections.values().stream().filter(s -> s.termId() == termId).toList();
  }

  /** The section from memory, or from MySQL when another instance created it since the last reload. */
  public Future<Optional<Section>> findSection(long id) {
    Section cached = sections.get(id);
    if (cached != null) return Future.succeededFuture(Optional.of(cached));
    return mysql.preparedQuery(SECTIONS_SQL + " AND s.id = ?").execute(Tuple.of(id))
      .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(section(rows.iterator().next())));
  }

  private static Term term(Row row) {
    return new Term(row.getLong("id"), row.getString("name"),
      Times.fromUtc(row.getLocalDateTime("selection_opens_at")), Times.fromUtc(row.getLocalDateTime("selection_closes_at")),
      Times.fromUtc(row.getLocalDateTime("drop_closes_at")), row.getInteger("max_sections_per_student"),
      row.getBoolean("profile_required"));
  }

  private static Section section(Row row) {
    return new Section(row.getLong("id"), row.getLong("term_id"), row.getLong("period_id"),
      row.getInteger("idx"), row.getLocalDate("starts_on"), row.getLocalDate("ends_on"),
      row.getLong("type_id"), row.getString("type_name"), row.getString("course_code"),
      row.getString("course_title"), row.getString("teacher"), row.getString("assistant"),
      row.getString("location"), row.getInteger("capacity"), row.getString("nature"),
      row.getInteger("weekday"), LocalTime.parse(row.getString("start_time")),
      LocalTime.parse(row.getString("end_time")),
      row.getString("allowed_prefixes"));
  }
}
