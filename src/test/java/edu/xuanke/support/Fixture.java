package edu.xuanke.support;

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
 * Test data written straight into the test database over JDBC, before the service starts:
 * a clean database and Redis db, then terms, sections and students as a test needs them.
 */
public final class Fixture implements AutoCloseable {

  public static final String PASSWORD = "password1";
  private static final String HASH = PasswordHasher.hashNow(PASSWORD, 1000);

  private final Connection db;
  private long typeId;

  private Fixture(Connection db) {
    this.db = db;
  }

  /** Drops and re-creates the test database (the caller empties the test Redis db). */
  public static Fixture fresh(AppConfig config) throws SQLException {
    String server = "jdbc:mariadb://" + config.mysqlHost() + ":" + config.mysqlPort() + "/";
    try (Connection c = DriverManager.getConnection(server, config.mysqlUser(), config.mysqlPassword());
         Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS `" + config.mysqlDatabase() + "`");
    }
    Migrations.migrate(config);
    Fixture fixture = new Fixture(DriverManager.getConnection(server + config.mysqlDatabase(),
      config.mysqlUser(), config.mysqlPassword()));
    fixture.typeId = fixture.insert("INSERT INTO course_types (name) VALUES ('Python')");
    return fixture;
  }

  /** A term whose selection window is [opens, closes) and drop deadline dropCloses. */
  public Term term(Instant opens, Instant closes, Instant dropCloses, int max, boolean profileRequired) throws SQLException {
    long id = insert("INSERT INTO terms (name, selection_opens_at, selection_closes_at, drop_closes_at,"
      + " max_sections_per_student, profile_required) VALUES (?, ?, ?, ?, ?, ?)",
      "term", utc(opens), utc(closes), utc(dropCloses), max, profileRequired);
    LocalDate today = LocalDate.now();
    long period = insert("INSERT INTO periods (term_id, idx, starts_on, ends_on) VALUES (?, 1, ?, ?)",
      id, today, today.plusWeeks(8));
    return new Term(id, period);
  }

  /** A term open from a minute ago for a day, drop allowed all along. */
  public Term openTerm(int max) throws SQLException {
    Instant now = Instant.now();
    return term(now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)), max, true);
  }

  public final class Term {
    public final long id;
    final long periodId;

    Term(long id, long periodId) {
      this.id = id;
      this.periodId = periodId;
    }

    /** The term's live-state generation in MySQL (a rebuild raises it; the persister's events carry it). */
    public long liveGeneration() {
      return Long.parseLong(rows("SELECT live_generation FROM terms WHERE id = ?", id).get(0));
    }

    /**
     * The same term seen from a second period (阶段 2), the eight weeks after the first: sections made through
     * it are in that period.
     */
    public Term secondPeriod() throws SQLException {
      LocalDate starts = LocalDate.now().plusWeeks(8).plusDays(1);
      return new Term(id, insert("INSERT INTO periods (term_id, idx, starts_on, ends_on) VALUES (?, 2, ?, ?)",
        id, starts, starts.plusWeeks(8)));
    }

    public long section(String course, int capacity, int weekday, String start, String end) throws SQLException {
      return section(course, capacity, weekday, start, end, "");
    }

    public long section(String course, int capacity, int weekday, String start, String end, String prefixes)
      throws SQLException {
      return insert("INSERT INTO sections (term_id, period_id, type_id, course_code, course_title, teacher, location,"
          + " capacity, weekday, start_time, end_time, allowed_prefixes) VALUES (?, ?, ?, ?, ?, 'T', 'R', ?, ?, ?, ?, ?)",
        id, periodId, typeId, course, course + " title", capacity, weekday, start, end, prefixes);
    }

    /** Students prefix0001 … with complete profiles in this term's cohort. */
    public List<String> students(String prefix, int count) throws SQLException {
      return Fixture.this.students(prefix, count, id, true);
    }
  }

  public List<String> students(String prefix, int count, Long cohortTermId, boolean completeProfile) throws SQLException {
    return students(prefix, count, cohortTermId, completeProfile, HASH);
  }

  /** Students whose password is stored as {@code passwordHash} (e.g. one of production cost). */
  public List<String> students(String prefix, int count, Long cohortTermId, boolean completeProfile, String passwordHash)
    throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps = db.prepareStatement("INSERT INTO accounts (student_id, password_hash, role, name,"
      + " gender, class_name, major, college, email, phone, cohort_term_id) VALUES (?, ?, 'STUDENT', ?, ?, 'C1', 'M1',"
      + " '理学院', ?, '13800000000', ?)")) {
      for (int i = 1; i <= count; i++) {
        String id = prefix + String.format("%04d", i);
        ids.add(id);
        ps.setString(1, id);
        ps.setString(2, passwordHash);
        ps.setString(3, completeProfile ? "Name " + id : "");
        ps.setString(4, completeProfile ? "M" : null);
        ps.setString(5, id.toLowerCase() + "@example.edu.cn");
        if (cohortTermId == null) ps.setNull(6, java.sql.Types.BIGINT); else ps.setLong(6, cohortTermId);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    return ids;
  }

  /** An admin account (password {@link #PASSWORD}) outside any cohort; returns its username. */
  public String admin(String username) throws SQLException {
    insert("INSERT INTO accounts (student_id, password_hash, role, name) VALUES (?, ?, 'ADMIN', 'Admin')", username, HASH);
    return username;
  }

  /** Rows of a query as "a|b|c" strings, for comparing database state. */
  public List<String> rows(String sql, Object... args) {
    try {
      return query(sql, args);
    } catch (SQLException e) {
      throw new AssertionError("query failed: " + sql, e);
    }
  }

  private List<String> query(String sql, Object... args) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder row = new StringBuilder();
          for (int c = 1; c <= columns; c++) row.append(c > 1 ? "|" : "").append(rs.getString(c));
          out.add(row.toString());
        }
      }
    }
    return out;
  }

  public void execute(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      bind(ps, args);
      ps.executeUpdate();
    }
  }

  private long insert(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
      bind(ps, args);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
  }

  private static LocalDateTime utc(Instant instant) {
    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }
}
