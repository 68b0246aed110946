package edu.xuanke.demo;

import edu.xuanke.auth.PasswordHasher;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.Times;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Seeds an empty database with a term whose selection window is open now for 7 days, two
 * periods, three course types, 24 sections (one restricted to studentIds starting with S01,
 * one with a single seat, pairs that overlap in time), the admin "admin" and the students
 * S0001 … S0200 with complete profiles. Does nothing when a term exists.
 */
public final class DemoData {

  public static final String ADMIN = "admin";
  public static final int STUDENTS = 200;
  private static final int LOCK_WAIT_SECONDS = 120;

  static final List<String> COLLEGES = List.of("海洋学院", "海运学院", "机械与船舶海洋工程学院", "石油与化工学院",
    "食品工程学院", "电子与信息工程学院", "建筑工程学院", "资源与环境学院", "理学院", "马克思主义学院", "经济管理学院",
    "陶瓷与设计学院", "人文学院", "国际教育与外国语学院", "教育学院", "体育学院", "东密歇根联合工程学院", "继续教育学院",
    "创新创业学院");

  /** code, title, type index, teachers; each course gets two sections. */
  private record Course(String code, String title, int type, String teacherA, String teacherB) { }

  private static final List<Course> COURSES = List.of(
    new Course("PY101", "Python 程序设计基础", 0, "王老师", "李老师"),
    new Course("PY201", "Python 数据处理", 0, "张老师", "刘老师"),
    new Course("PY301", "Python 网络爬虫", 0, "陈老师", "杨老师"),
    new Course("PY401", "Python 自动化办公", 0, "赵老师", "黄老师"),
    new Course("AI101", "人工智能导论", 1, "周老师", "吴老师"),
    new Course("AI201", "机器学习入门", 1, "徐老师", "孙老师"),
    new Course("AI301", "深度学习实践", 1, "胡老师", "朱老师"),
    new Course("AI401", "大模型应用开发", 1, "高老师", "林老师"),
    new Course("DS101", "数据可视化", 2, "何老师", "郭老师"),
    new Course("DS201", "统计学习", 2, "马老师", "罗老师"),
    new Course("DS301", "数据库应用", 2, "梁老师", "宋老师"),
    new Course("DS401", "商业数据分析", 2, "郑老师", "谢老师"));

  private final Vertx vertx;
  private final Pool mysql;
  private final AppConfig config;

  public DemoData(Vertx vertx, Pool mysql, AppConfig config) {
    this.vertx = vertx;
    this.mysql = mysql;
    this.config = config;
  }

  /**
   * Seeds when the database has no term; the password used, or null when nothing was seeded.
   * Nodes started together on one empty database take turns under a MySQL named lock (held by a
   * connection of its own), so exactly one seeds and the others find its term.
   */
  public Future<String> seedIfEmpty() {
    String lock = "xuanke.demo-seed." + config.mysqlDatabase();
    return mysql.getConnection().compose(locking -> locking.preparedQuery("SELECT GET_LOCK(?, ?) AS locked")
      .execute(Tuple.of(lock, LOCK_WAIT_SECONDS))
      .compose(rows -> Integer.valueOf(1).equals(rows.iterator().next().getInteger("locked")) ? seedUnderLock()
        : Future.<String>failedFuture("another node held the demo seeding lock for " + LOCK_WAIT_SECONDS + " s"))
      .eventually(() -> locking.preparedQuery("DO RELEASE_LOCK(?)").execute(Tuple.of(lock))
        .eventually(locking::close)));
  }

  private Future<String> seedUnderLock() {
    return mysql.query("SELECT COUNT(*) AS n FROM terms").execute().compose(rows -> {
      if (rows.iterator().next().getLong("n") > 0) return Future.succeededFuture(null);
      boolean random = config.demoPassword().isBlank();
      String password = random ? randomPassword() : config.demoPassword();
      // The demo students share one printed password, so they share its hash; the admin gets its own.
      return vertx.executeBlocking(() -> List.of(PasswordHasher.hashNow(password, config.passwordIterations()),
          PasswordHasher.hashNow(password, config.passwordIterations()))).compose(hashes ->
        mysql.withTransaction(conn -> seed(conn, hashes.get(0), hashes.get(1))))
        .compose(seeded -> random ? remember(password) : Future.succeededFuture())
        .map(password);
    });
  }

  /**
   * A generated password is kept in a local file (like the generated JWT secret, ignored by git),
   * so that every later start can print the logins, as the README promises.
   */
  private Future<Void> remember(String password) {
    FileSystem files = vertx.fileSystem();
    String file = rememberedFile();
    return files.mkdirs(Path.of(file).getParent().toString())
      .compose(dir -> files.writeFile(file, Buffer.buffer(password)))
      .compose(written -> files.chmod(file, "rw-------"));
  }

  /** The generated password of this database's seeding, or blank when none was kept. */
  public Future<String> remembered() {
    String file = rememberedFile();
    return vertx.fileSystem().exists(file).compose(exists -> exists
      ? vertx.fileSystem().readFile(file).map(content -> content.toString().trim())
      : Future.succeededFuture(""));
  }

  private String rememberedFile() {
    Path secretDir = Path.of(config.jwtSecretFile()).toAbsolutePath().getParent();
    return secretDir.resolve("demo-password-" + config.mysqlDatabase()).toString();
  }

  private Future<Void> seed(SqlConnection conn, String studentHash, String adminHash) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant opens = now.minus(1, ChronoUnit.MINUTES);
    Instant closes = now.plus(7, ChronoUnit.DAYS);
    LocalDate today = LocalDate.now(config.timeZone());
    return conn.preparedQuery("INSERT INTO terms (name, selection_opens_at, selection_closes_at, drop_closes_at,"
          + " max_sections_per_student, profile_required) VALUES (?, ?, ?, ?, ?, TRUE)")
      .execute(Tuple.of("2026 秋季学期通识选课", Times.toUtc(opens), Times.toUtc(closes), Times.toUtc(closes), 3))
      .compose(r -> {
        long termId = r.property(MySQLClient.LAST_INSERTED_ID);
        return conn.preparedQuery("INSERT INTO periods (term_id, idx, starts_on, ends_on) VALUES (?, ?, ?, ?)")
          .executeBatch(List.of(
            Tuple.of(termId, 1, today, today.plusWeeks(8).minusDays(1)),
            Tuple.of(termId, 2, today.plusWeeks(8), today.plusWeeks(16).minusDays(1))))
          .compose(p -> conn.preparedQuery("INSERT INTO course_types (name, logo) VALUES (?, ?)")
            .executeBatch(List.of(Tuple.of("Python", "python.svg"), Tuple.of("人工智能", "ai.svg"),
              Tuple.of("数据科学", "data.svg"))))
          .compose(t -> conn.preparedQuery(
              "SELECT (SELECT MIN(id) FROM periods WHERE term_id = ?) AS p, (SELECT MIN(id) FROM course_types) AS t")
            .execute(Tuple.of(termId)))
          .compose(ids -> {
            long firstPeriod = ids.iterator().next().getLong("p");
            long firstType = ids.iterator().next().getLong("t");
            return conn.preparedQuery("INSERT INTO sections (term_id, period_id, type_id, course_code, course_title,"
                + " teacher, assistant, location, capacity, nature, weekday, start_time, end_time, allowed_prefixes)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
              .executeBatch(sections(termId, firstPeriod, firstType));
          })
          .compose(s -> conn.preparedQuery("INSERT INTO accounts (student_id, password_hash, role, name)"
            + " VALUES (?, ?, 'ADMIN', ?)").execute(Tuple.of(ADMIN, adminHash, "管理员")))
          .compose(a -> conn.preparedQuery("INSERT INTO accounts (student_id, password_hash, role, name, gender,"
              + " class_name, major, college, email, phone, cohort_term_id) VALUES (?, ?, 'STUDENT', ?, ?, ?, ?, ?, ?, ?, ?)")
            .executeBatch(students(termId, studentHash)));
      })
      .mapEmpty();
  }

  /**
   * Two sections per course. Section a of course i meets on weekday 1 + i % 5, section b two
   * days later; courses i and i + 5 share section a's evening, so their a sections overlap.
   */
  private static List<Tuple> sections(long termId, long firstPeriod, long firstType) {
    List<Tuple> rows = new ArrayList<>();
    String[] rooms = {"博学楼 101", "博学楼 203", "致远楼 305", "实验楼 402", "图书馆 报告厅", "致远楼 110"};
    for (int i = 0; i < COURSES.size(); i++) {
      Course c = COURSES.get(i);
      long period = firstPeriod + (i / 5 == 2 ? 1 : 0);
      int weekdayA = 1 + i % 5;
      int weekdayB = 1 + (i + 2) % 7;
      boolean afternoon = i % 4 == 3;
      String start = afternoon ? "14:00" : "18:45";
      String end = afternoon ? "16:30" : "21:45";
      int capacityA = i == 0 ? 1 : 80;
      String prefixesB = i == 4 ? "S01" : "";
      rows.add(Tuple.of(termId, period, firstType + c.type(), c.code(), c.title() + "（一班）", c.teacherA(),
        "助教 " + (i + 1), rooms[i % rooms.length], capacityA, i % 2 == 0 ? "MAJOR" : "GENERAL", weekdayA, start, end, ""));
      rows.add(Tuple.of(termId, period, firstType + c.type(), c.code(), c.title() + "（二班）", c.teacherB(),
        "助教 " + (i + 13), rooms[(i + 3) % rooms.length], 80, "GENERAL", weekdayB, start, end, prefixesB));
    }
    return rows;
  }

  private static List<Tuple> students(long termId, String hash) {
    List<Tuple> rows = new ArrayList<>();
    for (int n = 1; n <= STUDENTS; n++) {
      String id = String.format("S%04d", n);
      rows.add(Tuple.of(id, hash, "学生" + id.substring(1), n % 2 == 0 ? "F" : "M",
        "计算机" + (2301 + n % 4) + "班", "计算机科学与技术", COLLEGES.get(n % COLLEGES.size()),
        id.toLowerCase() + "@example.edu.cn", String.format("138%08d", n), termId));
    }
    return rows;
  }

  /**
   * The demo's logins as a boxed block for standard output, printed on every start so that a newcomer
   * finds them among the log lines. {@code password}: the one seeded or configured; blank when
   * unknown (seeded at an earlier start with a random one), and then the box says how to choose it.
   */
  public static String banner(int httpPort, String password, boolean smtp) {
    String shown = password == null || password.isBlank() ? "<printed when first seeded>" : password;
    List<String> lines = new ArrayList<>(List.of(
      "xuanke demo: http://localhost:" + httpPort,
      "",
      "  course office:  " + ADMIN + " / " + shown + "   (lands on /admin)",
      "  students:       S0001 ... S" + String.format("%04d", STUDENTS) + " / " + shown));
    if (password == null || password.isBlank()) {
      lines.add("");
      lines.add("  To choose the password: XUANKE_DEMO_PASSWORD=... bin/run on an empty database.");
    }
    if (!smtp) {
      lines.add("");
      lines.add("  No SMTP host: e-mail codes and links are written to this log (demo mode only).");
    }
    int width = lines.stream().mapToInt(String::length).max().orElse(0);
    StringBuilder box = new StringBuilder("+" + "-".repeat(width + 2) + "+\n");
    lines.forEach(line -> box.append("| ").append(line).append(" ".repeat(width - line.length())).append(" |\n"));
    return box.append("+").append("-".repeat(width + 2)).append("+\n").toString();
  }

  private static String randomPassword() {
    String alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    SecureRandom random = new SecureRandom();
    StringBuilder password = new StringBuilder();
    for (int i = 0; i < 12; i++) password.append(alphabet.charAt(random.nextInt(alphabet.length())));
    return password.toString();
  }
}
