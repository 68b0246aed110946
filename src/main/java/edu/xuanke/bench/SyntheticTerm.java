package edu.xuanke.bench;

import edu.xuanke.auth.PasswordHasher;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.Migrations;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The harness's own term in its own (emptied) database: open now for a day, sections spread
 * over weekdays, time slots and two periods (so that time conflicts and, with pairs sharing a
 * course, same-course refusals occur), and students with complete profiles whose stored hash is
 * cheap: a hash carries its own cost, so the real login route runs without the production cost.
 */
final class SyntheticTerm {

  static final String PASSWORD = "bench-password";
  private static final String[][] SLOTS = {{"08:00", "09:40"}, {"10:00", "11:40"}, {"14:00", "15:40"}, {"19:00", "20:40"}};

  final long termId;
  final List<Long> sections;
  final List<String> students;

  private SyntheticTerm(long termId, List<Long> sections, List<String> students) {
    this.termId = termId;
    this.sections = sections;
    this.students = students;
  }

  /** Blocking (JDBC); runs before the service starts. */
  static SyntheticTerm create(AppConfig config, BenchOptions options) throws SQLException {
    String server = "jdbc:mariadb://" + config.mysqlHost() + ":" + config.mysqlPort() + "/";
    try (Connection c = DriverManager.getConnection(server, config.mysqlUser(), config.mysqlPassword());
         Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS `" + config.mysqlDatabase() + "`");
    }
    Migrations.migrate(config);
    return fill(config, options);
  }

  /**
   * Writes the term into a migrated database that a running deployment uses (bench --target),
   * which must hold no term yet: the nodes have nothing of it loaded.
   */
  static SyntheticTerm fill(AppConfig config, BenchOptions options) throws SQLException {
    String server = "jdbc:mariadb://" + config.mysqlHost() + ":" + config.mysqlPort() + "/";
    try (Connection db = DriverManager.getConnection(server + config.mysqlDatabase(), config.mysqlUser(),
      config.mysqlPassword())) {
      db.setAutoCommit(false);
      Instant now = Instant.now();
      long term = insert(db, "INSERT INTO terms (name, selection_opens_at, selection_closes_at, drop_closes_at,"
          + " max_sections_per_student, profile_required) VALUES ('bench', ?, ?, ?, 5, FALSE)",
        utc(now.minus(Duration.ofMinutes(1))), utc(now.plus(Duration.ofDays(1))), utc(now.plus(Duration.ofDays(1))));
      LocalDate today = LocalDate.now();
      long[] periods = {
        insert(db, "INSERT INTO periods (term_id, idx, starts_on, ends_on) VALUES (?, 1, ?, ?)", term, today, today.plusWeeks(8)),
        insert(db, "INSERT INTO periods (term_id, idx, starts_on, ends_on) VALUES (?, 2, ?, ?)", term,
          today.plusWeeks(8).plusDays(1), today.plusWeeks(16))};
      long type = insert(db, "INSERT INTO course_types (name) VALUES ('Bench')");
      try (PreparedStatement ps = db.prepareStatement("INSERT INTO sections (term_id, period_id, type_id, course_code,"
        + " course_title, teacher, location, capacity, weekday, start_time, end_time) VALUES (?, ?, ?, ?, ?, 'T', 'R', ?, ?, ?, ?)")) {
        for (int i = 0; i < options.sections; i++) {
          String[] slot = SLOTS[(i / 7) % SLOTS.length];
          bind(ps, term, periods[(i / 28) % 2], type, "B" + (i / 2), "Bench course " + (i / 2), options.seats,
            1 + i % 7, slot[0], slot[1]);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      List<Long> sections = new ArrayList<>();
      try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM sections ORDER BY id")) {
        while (rs.next()) sections.add(rs.getLong(1));
      }
      String hash = PasswordHasher.hashNow(PASSWORD, 16);
      List<String> students = new ArrayList<>();
      try (PreparedStatement ps = db.prepareStatement("INSERT INTO accounts (student_id, password_hash, name, gender,"
        + " class_name, major, college, email, phone, cohort_term_id) VALUES (?, ?, ?, 'M', 'C', 'M', '理学院', ?, '13800000000', ?)")) {
        for (int i = 1; i <= options.students; i++) {
          String id = String.format("B%06d", i);
          students.add(id);
          bind(ps, id, hash, "Student " + i, id.toLowerCase() + "@bench.invalid", term);
          ps.addBatch();
          if (i % 5000 == 0) ps.executeBatch();
        }
        ps.executeBatch();
      }
      db.commit();
      return new SyntheticTerm(term, sections, students);
    }
  }

  private static long insert(Connection db, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
      bind(ps, args);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
  }

  private static LocalDateTime utc(Instant instant) {
    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
