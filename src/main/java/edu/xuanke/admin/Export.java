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
import java.text.MessageFormat;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.function.LongConsumer;

/**
 * Writes a term's enrollments or waitlists to a file row by row: the query streams (the driver
 * fetches a few hundred rows at a time) and each row goes straight to the CSV or XLSX writer, so
 * memory stays the same for any number of rows. The order (section, then student; or section,
 * then place in line) is fixed, so two exports of the same data are the same rows. Every text in
 * the file (headers, sheet name, gender, course nature, weekday) is a word of the admin's
 * language from i18n/export*.properties, never a stored code. Blocking: for worker threads.
 */
public final class Export {

  /** Which rows a file holds. */
  public enum Kind {
    ENROLLMENTS, WAITLIST
  }

  private static final int FETCH_SIZE = 500;
  private static final int FLUSH_EVERY = 1_000;
  private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  /** What a spreadsheet shows for a date-time cell, and the same text in a CSV. */
  private static final String XLSX_DATE_TIME = "yyyy-mm-dd hh:mm:ss";
  private static final DateTimeFormatter CSV_DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final ResourceBundle.Control NO_FALLBACK = ResourceBundle.Control.getNoFallbackControl(
    ResourceBundle.Control.FORMAT_PROPERTIES);

  private static final List<Column> ENROLLMENT_COLUMNS = List.of(new Column("studentId", 14), new Column("name", 12),
    new Column("gender", 6), new Column("className", 14), new Column("major", 16), new Column("college", 18),
    new Column("period", 36), new Column("time", 13), new Column("location", 16), new Column("teacher", 10),
    new Column("assistant", 10), new Column("phone", 14), new Column("course", 24), new Column("courseType", 12),
    new Column("nature", 12), new Column("sectionId", 10), new Column("enrolledAt", 20), new Column("selectedBy", 18));
  private static final List<Column> WAITLIST_COLUMNS = List.of(new Column("sectionId", 10), new Column("course", 24),
    new Column("teacher", 10), new Column("position", 8), new Column("studentId", 14), new Column("name", 12),
    new Column("gender", 6), new Column("className", 14), new Column("major", 16), new Column("college", 18),
    new Column("phone", 14), new Column("waitingSince", 20));

  private static final String ENROLLMENTS_SQL = "SELECT e.student_id, a.name, a.gender, a.class_name, a.major, a.college,"
    + " p.idx, p.starts_on, p.ends_on, s.weekday, TIME_FORMAT(s.start_time, '%H:%i') AS start_time,"
    + " TIME_FORMAT(s.end_time, '%H:%i') AS end_time, s.location, s.teacher, s.assistant, a.phone, s.course_title,"
    + " t.name AS type_name, s.nature, s.id AS section_id, e.enrolled_at, e.actor"
    + " FROM enrollments e JOIN sections s ON s.id = e.section_id JOIN periods p ON p.id = s.period_id"
    + " JOIN course_types t ON t.id = s.type_id LEFT JOIN accounts a ON a.student_id = e.student_id"
    + " WHERE e.term_id = ? AND e.state = 'ENROLLED'";
  private static final String WAITLIST_SQL = "SELECT w.section_id, s.course_title, s.teacher, w.student_id, a.name,"
    + " a.gender, a.class_name, a.major, a.college, a.phone, w.joined_at"
    + " FROM waitlist_entries w JOIN sections s ON s.id = w.section_id LEFT JOIN accounts a ON a.student_id = w.student_id"
    + " WHERE w.term_id = ? AND w.state = 'WAITING'";

  private final AppConfig config;

  public Export(AppConfig config) {
    this.config = config;
  }

  /** A column: its header's key in the texts and its width in an XLSX sheet (in characters). */
  private record Column(String key, double width) {
  }

  /** The texts of the file in the admin's language (English for "en…", else zh-CN). */
  private static ResourceBundle texts(boolean english) {
    return ResourceBundle.getBundle("i18n/export", english ? Locale.ROOT : Locale.SIMPLIFIED_CHINESE, NO_FALLBACK);
  }

  /**
   * Writes the rows of {@code kind} of a term (of one section when sectionId > 0) to {@code out};
   * {@code progress} hears the running row count every {@value #FLUSH_EVERY} rows. Returns the row count.
   */
  public long write(Path out, Kind kind, long termId, long sectionId, boolean xlsx, boolean english, LongConsumer progress)
    throws IOException, SQLException {
    ResourceBundle texts = texts(english);
    boolean enrollments = kind == Kind.ENROLLMENTS;
    String sql = (enrollments ? ENROLLMENTS_SQL : WAITLIST_SQL) + (sectionId > 0 ? " AND s.id = ?" : "")
      + (enrollments ? " ORDER BY s.id, e.student_id" : " ORDER BY w.section_id, w.seq");
    List<Column> columns = enrollments ? ENROLLMENT_COLUMNS : WAITLIST_COLUMNS;
    String url = "jdbc:mariadb://" + config.mysqlHost() + ":" + config.mysqlPort() + "/" + config.mysqlDatabase();
    try (Connection db = DriverManager.getConnection(url, config.mysqlUser(), config.mysqlPassword());
         PreparedStatement query = db.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
         OutputStream file = new BufferedOutputStream(Files.newOutputStream(out), 64 * 1024)) {
      query.setFetchSize(FETCH_SIZE);
      query.setLong(1, termId);
      if (sectionId > 0) query.setLong(2, sectionId);
      try (ResultSet rows = query.executeQuery()) {
        RowWriter writer = xlsx ? new XlsxWriter(file, texts.getString(enrollments ? "sheet.enrollments" : "sheet.waitlist"), columns)
          : new CsvWriter(file);
        writer.row(columns.stream().<Object>map(c -> texts.getString("column." + c.key())).toList());
        long count = 0;
        long section = 0;
        long position = 0;
        while (rows.next()) {
          if (enrollments) {
            writer.row(enrollment(rows, texts));
          } else {
            // The place in line as the student sees it: rows come in line order, section by section.
            long rowSection = rows.getLong("section_id");
            position = rowSection == section ? position + 1 : 1;
            section = rowSection;
            writer.row(waiting(rows, position, texts));
          }
          if (++count % FLUSH_EVERY == 0) {
            writer.flush();
            progress.accept(count);
          }
        }
        writer.finish(count);
        return count;
      }
    }
  }

  private List<Object> enrollment(ResultSet r, ResourceBundle texts) throws SQLException {
    String period = MessageFormat.format(texts.getString("period"), Integer.toString(r.getInt("idx")),
      r.getString("starts_on"), r.getString("ends_on"), texts.getString("weekday." + r.getInt("weekday")));
    List<Object> cells = new ArrayList<>(ENROLLMENT_COLUMNS.size());
    student(cells, r, texts);
    cells.add(period);
    cells.add(r.getString("start_time") + "-" + r.getString("end_time"));
    cells.add(r.getString("location"));
    cells.add(r.getString("teacher"));
    cells.add(r.getString("assistant"));
    cells.add(text(r, "phone"));
    cells.add(r.getString("course_title"));
    cells.add(r.getString("type_name"));
    cells.add(word(texts, "nature.", r.getString("nature")));
    cells.add(r.getLong("section_id"));
    cells.add(local(r, "enrolled_at"));
    // Empty when the student selected it; the admin's name when the office did, on their behalf.
    String actor = r.getString("actor");
    cells.add(actor == null ? "" : MessageFormat.format(texts.getString("byOffice"), actor));
    return cells;
  }

  private List<Object> waiting(ResultSet r, long position, ResourceBundle texts) throws SQLException {
    List<Object> cells = new ArrayList<>(WAITLIST_COLUMNS.size());
    cells.add(r.getLong("section_id"));
    cells.add(r.getString("course_title"));
    cells.add(r.getString("teacher"));
    cells.add(position);
    student(cells, r, texts);
    cells.add(text(r, "phone"));
    cells.add(local(r, "joined_at"));
    return cells;
  }

  /** The student's columns both files share: ID, name, gender, class, major, college. */
  private static void student(List<Object> cells, ResultSet r, ResourceBundle texts) throws SQLException {
    cells.add(r.getString("student_id"));
    cells.add(text(r, "name"));
    cells.add(word(texts, "gender.", r.getString("gender")));
    cells.add(text(r, "class_name"));
    cells.add(text(r, "major"));
    cells.add(text(r, "college"));
  }

  /** A stored UTC instant as the school's wall-clock time to the second, the way the office reads times. */
  private LocalDateTime local(ResultSet r, String column) throws SQLException {
    return LocalDateTime.ofInstant(Times.fromUtc(r.getObject(column, LocalDateTime.class)), config.timeZone())
      .truncatedTo(ChronoUnit.SECONDS);
  }

  /** A stored code (gender, course nature) as a word; empty when not set. */
  private static String word(ResourceBundle texts, String prefix, String code) {
    return code == null || code.isEmpty() ? "" : texts.getString(prefix + code);
  }

  /** A student's field; empty when the enrollment's account is gone. */
  private static String text(ResultSet r, String column) throws SQLException {
    String s = r.getString(column);
    return s == null ? "" : s;
  }

  /** Cells are a String, a Long (a number cell) or a LocalDateTime (a date-time cell). */
  private interface RowWriter {
    void row(List<Object> cells) throws IOException;

    void flush() throws IOException;

    void finish(long rows) throws IOException;
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

    public void row(List<Object> cells) throws IOException {
      printer.printRecord(cells.stream().map(CsvWriter::text).toList());
    }

    private static String text(Object cell) {
      if (cell instanceof LocalDateTime at) return CSV_DATE_TIME.format(at);
      return cell instanceof String s ? inert(s) : cell.toString();
    }

    /** A spreadsheet runs a cell starting like a formula; a leading quote makes it text (names and phones are the students'). */
    private static String inert(String cell) {
      return !cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0 ? "'" + cell : cell;
    }

    public void flush() throws IOException {
      printer.flush();
    }

    public void finish(long rows) throws IOException {
      printer.flush();
    }
  }

  /**
   * Inline strings (no shared-string table to grow) and rows flushed as they are written; a bold
   * header row that stays in view (frozen) and carries the filters, date-times as date cells.
   */
  private static final class XlsxWriter implements RowWriter {
    private final Workbook workbook;
    private final Worksheet sheet;
    private final int lastColumn;
    private int row;

    XlsxWriter(OutputStream out, String sheetName, List<Column> columns) {
      workbook = new Workbook(out, "xuanke", "1.0");
      sheet = workbook.newWorksheet(sheetName);
      lastColumn = columns.size() - 1;
      // The sheet view and the column widths precede the rows in the file: set before the first flush.
      sheet.freezePane(0, 1);
      for (int c = 0; c <= lastColumn; c++) sheet.width(c, columns.get(c).width());
    }

    public void row(List<Object> cells) {
      for (int c = 0; c < cells.size(); c++) {
        Object cell = cells.get(c);
        if (cell instanceof LocalDateTime at) {
          sheet.value(row, c, at);
          sheet.style(row, c).format(XLSX_DATE_TIME).set();
        } else if (cell instanceof Long n) {
          sheet.value(row, c, n);
        } else {
          sheet.inlineString(row, c, (String) cell);
        }
        if (row == 0) sheet.style(row, c).bold().set();
      }
      row++;
    }

    public void flush() throws IOException {
      sheet.flush();
    }

    public void finish(long rows) throws IOException {
      sheet.setAutoFilter(0, 0, (int) rows, lastColumn);
      sheet.finish();
      workbook.finish();
    }
  }
}
