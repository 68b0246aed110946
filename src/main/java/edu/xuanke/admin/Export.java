package edu.xuanke.admin;

import edu.xuanke.core.AppConfig;
import edu.xuanke.core.Times;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Writes a term's enrollments to a file row by row: the query streams (the driver fetches a few
 * hundred rows at a time) and each row goes straight to the CSV or XLSX writer, so memory stays
 * the same for any number of rows. The order (section, then student) is fixed, so two exports
 * of the same data are the same rows. Blocking: for worker threads.
 */
public final class Export {

  private static final List<String> HEADERS_ZH = List.of("学号", "姓名", "性别", "班级", "学院", "上课时间", "具体时间",
    "上课地点", "教师", "手机号", "课程名", "课程类型", "教学班编号", "选课时间");
  private static final List<String> HEADERS_EN = List.of("Student ID", "Name", "Gender", "Class", "College", "Schedule",
    "Time", "Location", "Teacher", "Phone", "Course", "Course type", "Section ID", "Enrolled at");
  private static final String[] WEEKDAYS_ZH = {"", "周一", "周二", "周三", "周四", "周五", "周六", "周日"};
  private static final String[] WEEKDAYS_EN = {"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  private static final int FETCH_SIZE = 500;
  private static final int FLUSH_EVERY = 1_000;
  private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private static final String SQL = "SELECT a.student_id, a.name, a.gender, a.class_name, a.college, p.idx, p.starts_on,"
    + " p.ends_on, s.weekday, TIME_FORMAT(s.start_time, '%H:%i') AS start_time, TIME_FORMAT(s.end_time, '%H:%i') AS end_time,"
    + " s.location, s.teacher, a.phone, s.course_title, t.name AS type_name, s.id AS section_id, e.enrolled_at"
    + " FROM enrollments e JOIN sections s ON s.id = e.section_id JOIN periods p ON p.id = s.period_id"
    + " JOIN course_types t ON t.id = s.type_id LEFT JOIN accounts a ON a.student_id = e.student_id"
    + " WHERE e.term_id = ? AND e.state = 'ENROLLED'";

  private final AppConfig config;

  public Export(AppConfig config) {
    this.config = config;
  }

  /**
   * Writes the enrollments of a term (of one section when sectionId > 0) to {@code out};
   * {@code progress} hears the running row count every {@value #FLUSH_EVERY} rows. Returns the row count.
   */
  public long write(Path out, long termId, long sectionId, boolean xlsx, boolean english, LongConsumer progress)
    throws IOException, SQLException {
    String url = "jdbc:mariadb://" + config.mysqlHost() + ":" + config.mysqlPort() + "/" + config.mysqlDatabase();
    try (Connection db = DriverManager.getConnection(url, config.mysqlUser(), config.mysqlPassword());
         PreparedStatement query = db.prepareStatement(SQL + (sectionId > 0 ? " AND e.section_id = ?" : "")
           + " ORDER BY s.id, e.student_id", ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
         OutputStream file = new BufferedOutputStream(Files.newOutputStream(out), 64 * 1024)) {
      query.setFetchSize(FETCH_SIZE);
      query.setLong(1, termId);
      if (sectionId > 0) query.setLong(2, sectionId);
      try (ResultSet rows = query.executeQuery()) {
        RowWriter writer = xlsx ? new XlsxWriter(file) : new CsvWriter(file);
        writer.row(english ? HEADERS_EN : HEADERS_ZH);
        long count = 0;
        while (rows.next()) {
          writer.row(cells(rows, english));
          if (++count % FLUSH_EVERY == 0) {
            writer.flush();
            progress.accept(count);
          }
        }
        writer.finish();
        return count;
      }
    }
  }

  private List<String> cells(ResultSet r, boolean english) throws SQLException {
    int weekday = r.getInt("weekday");
    String gender = r.getString("gender");
    String period = english
      ? "Period " + r.getInt("idx") + " (" + r.getString("starts_on") + " to " + r.getString("ends_on") + "), " + WEEKDAYS_EN[weekday]
      : "第" + r.getInt("idx") + "期（" + r.getString("starts_on") + "至" + r.getString("ends_on") + "）" + WEEKDAYS_ZH[weekday];
    String at = Times.iso(Times.fromUtc(r.getObject("enrolled_at", LocalDateTime.class)), config.timeZone());
    return List.of(r.getString("student_id"), nullToEmpty(r.getString("name")), genderText(gender, english),
      nullToEmpty(r.getString("class_name")), nullToEmpty(r.getString("college")), period,
      r.getString("start_time") + "-" + r.getString("end_time"), r.getString("location"), r.getString("teacher"),
      nullToEmpty(r.getString("phone")), r.getString("course_title"), r.getString("type_name"),
      Long.toString(r.getLong("section_id")), at);
  }

  private static String genderText(String gender, boolean english) {
    if (gender == null) return "";
    if (english) return gender;
    return gender.equals("M") ? "男" : "女";
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private interface RowWriter {
    void row(List<String> cells) throws IOException;

    void flush() throws IOException;

    void finish() throws IOException;
  }

  /** UTF-8 with a byte-order mark, so that Excel shows the Chinese text correctly. */
  private static final class CsvWriter implements RowWriter {
    private final Writer writer;
    private final CSVPrinter printer;

    CsvWriter(OutputStream out) throws IOException {
      out.write(UTF8_BOM);
      writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      printer = new CSVPrinter(writer, CSVFormat.EXCEL);
    }

    public void row(List<String> cells) throws IOException {
      printer.printRecord(cells.stream().map(CsvWriter::inert).toList());
    }

    /** A spreadsheet runs a cell starting like a formula; a leading quote makes it text (names and phones are the students'). */
    private static String inert(String cell) {
      return !cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0 ? "'" + cell : cell;
    }

    public void flush() throws IOException {
      printer.flush();
    }

    public void finish() throws IOException {
      printer.flush();
    }
  }

  /** Inline strings (no shared-string table to grow) and rows flushed as they are written. */
  private static final class XlsxWriter implements RowWriter {
    private final Workbook workbook;
    private final Worksheet sheet;
    private int row;

    XlsxWriter(OutputStream out) {
      workbook = new Workbook(out, "xuanke", "1.0");
      sheet = workbook.newWorksheet("Enrollments");
    }

    public void row(List<String> cells) {
      for (int c = 0; c < cells.size(); c++) sheet.inlineString(row, c, cells.get(c));
      row++;
    }

    public void flush() throws IOException {
      sheet.flush();
    }

    public void finish() throws IOException {
      sheet.finish();
      workbook.finish();
    }
  }
}
