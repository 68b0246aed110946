package edu.xuanke.course;

import edu.xuanke.core.Replies;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks the invariants (README, "Invariants") for one term, independently of the scripts that keep them:
 * (1) roster size ≤ capacity and seats left = capacity − roster size − seats held back after drops
 * in an add/drop round (the term hash's release:&lt;section&gt; fields); (2) no student holds two
 * sections of one course or two overlapping sections, and holdings match rosters; (3) MySQL's
 * enrollments equal the live rosters (call after the persister has drained). Returns one line
 * per violation; an empty list means the term is consistent.
 */
public final class Audit {

  private final RedisAPI redis;
  private final Pool mysql;
  private final Catalog catalog;

  public Audit(RedisAPI redis, Pool mysql, Catalog catalog) {
    this.redis = redis;
    this.mysql = mysql;
    this.catalog = catalog;
  }

  public Future<List<String>> run(long termId) {
    TermKeys keys = new TermKeys(termId);
    List<Catalog.Section> sections = catalog.sectionsOf(termId);
    List<Future<Response>> rosters = new ArrayList<>();
    for (Catalog.Section s : sections) rosters.add(redis.smembers(keys.roster(s.id())));
    Future<Response> seats = redis.hgetall(keys.seats());
    Future<Response> holds = redis.hgetall(keys.holds());
    Future<Response> term = redis.hgetall(keys.term());
    Future<Set<String>> stored = mysql.preparedQuery(
        "SELECT student_id, section_id FROM enrollments WHERE term_id = ? AND state = 'ENROLLED'")
      .execute(Tuple.of(termId))
      .map(rows -> {
        Set<String> pairs = new HashSet<>();
        for (Row row : rows) pairs.add(row.getString("student_id") + "@" + row.getLong("section_id"));
        return pairs;
      });
    return Future.all(Future.all(rosters), seats, holds, stored, term).map(done -> {
      List<String> violations = new ArrayList<>();
      Map<String, String> seatsLeft = Replies.hash(seats.result());
      Map<String, String> termFields = Replies.hash(term.result());
      Set<String> live = new TreeSet<>();
      for (int i = 0; i < sections.size(); i++) {
        Catalog.Section s = sections.get(i);
        Response roster = rosters.get(i).result();
        int size = roster.size();
        for (Response student : roster) live.add(student.toString() + "@" + s.id());
        if (size > s.capacity()) violations.add("section " + s.id() + ": roster " + size + " > capacity " + s.capacity());
        String left = seatsLeft.get(Long.toString(s.id()));
        String releases = termFields.get("release:" + s.id());
        int heldBack = releases == null ? 0 : releases.split(",").length;
        if (left == null || Long.parseLong(left) != s.capacity() - size - heldBack) {
          violations.add("section " + s.id() + ": seats left " + left + " != capacity " + s.capacity() + " - roster " + size
            + " - held back " + heldBack);
        }
      }
      Set<String> held = new TreeSet<>();
      Map<String, Catalog.Section> byId = new HashMap<>();
      sections.forEach(s -> byId.put(Long.toString(s.id()), s));
      Replies.hash(holds.result()).forEach((student, csv) -> {
        List<Catalog.Section> mine = new ArrayList<>();
        for (String id : csv.split(",")) {
          if (!held.add(student + "@" + id)) violations.add(student + " holds section " + id + " twice");
          if (byId.containsKey(id)) mine.add(byId.get(id));
        }
        violations.addAll(conflicts(student, mine));
      });
      if (!held.equals(live)) violations.add("holdings and rosters differ: " + difference(held, live));
      if (!stored.result().equals(live)) violations.add("MySQL and Redis differ: " + difference(stored.result(), live));
      return violations;
    });
  }

  private static List<String> conflicts(String student, List<Catalog.Section> mine) {
    List<String> out = new ArrayList<>();
    Map<String, Long> byCourse = new HashMap<>();
    for (int i = 0; i < mine.size(); i++) {
      Catalog.Section a = mine.get(i);
      Long other = byCourse.put(a.courseCode(), a.id());
      if (other != null) out.add(student + " holds sections " + other + " and " + a.id() + " of course " + a.courseCode());
      for (int j = i + 1; j < mine.size(); j++) {
        Catalog.Section b = mine.get(j);
        boolean overlap = a.weekday() == b.weekday()
          && !a.periodStart().isAfter(b.periodEnd()) && !b.periodStart().isAfter(a.periodEnd())
          && a.startTime().isBefore(b.endTime()) && b.startTime().isBefore(a.endTime());
        if (overlap) out.add(student + " holds overlapping sections " + a.id() + " and " + b.id());
      }
    }
    return out;
  }

  private static String difference(Set<String> a, Set<String> b) {
    Set<String> onlyA = new TreeSet<>(a);
    onlyA.removeAll(b);
    Set<String> onlyB = new TreeSet<>(b);
    onlyB.removeAll(a);
    return "only in the first " + limited(onlyA) + ", only in the second " + limited(onlyB);
  }

  private static String limited(Set<String> s) {
    return s.size() <= 10 ? s.toString() : s.stream().limit(10).toList() + " and " + (s.size() - 10) + " more";
  }
}
