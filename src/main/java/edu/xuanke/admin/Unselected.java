package edu.xuanke.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The students of a term's cohort who have selected nothing yet (no seat held, no place in a
 * waitlist), as the office sees them in MySQL: how many, for the dashboard, and who, as a CSV or
 * XLSX file to remind them. The figures lag the live state by what the persister has not written
 * yet; the file is asked for once that has drained.
 */
public final class Unselected {

  private static final String NO_SELECTION = " FROM accounts a WHERE a.cohort_term_id = ? AND a.role = 'STUDENT'"
    + " AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.student_id = a.student_id AND e.term_id = a.cohort_term_id"
    + " AND e.state = 'ENROLLED')"
    + " AND NOT EXISTS (SELECT 1 FROM waitlist_entries w WHERE w.student_id = a.student_id AND w.term_id = a.cohort_term_id"
    + " AND w.state = 'WAITING')";
  private static final String COUNT = "SELECT (SELECT COUNT(*) FROM accounts WHERE cohort_term_id = ? AND role = 'STUDENT')"
    + " AS cohort, COUNT(*) AS unselected" + NO_SELECTION;
  private static final String LIST = "SELECT a.student_id, a.name, a.gender, a.class_name, a.major, a.college, a.email, a.phone"
    + NO_SELECTION + " ORDER BY a.student_id";
  private static final List<String> HEADERS_ZH = List.of("学号", "姓名", "性别", "班级", "专业", "学院", "邮箱", "手机号");
  private static final List<String> HEADERS_EN = List.of("Student ID", "Name", "Gender", "Class", "Major", "College", "Email",
    "Phone");
  private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final Pool mysql;

  public Unselected(Pool mysql) {
    this.mysql = mysql;
  }

  /** {cohort, unselected}: the cohort's size and how many of it have selected nothing yet. */
  public Future<JsonObject> count(long termId) {
    return mysql.preparedQuery(COUNT).execute(Tuple.of(termId, termId)).map(rows -> {
      Row row = rows.iterator().next();
      return new JsonObject().put("cohort", row.getLong("cohort")).put("unselected", row.getLong("unselected"));
    });
  }

  /** The students with no selection, in studentId order, each as the file's cells. */
  public Future<List<List<String>>> rows(long termId, boolean english) {
    return mysql.preparedQuery(LIST).execute(Tuple.of(termId)).map(rows -> {
      List<List<String>> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        String gender = r.getString("gender");
        out.add(List.of(r.getString("student_id"), r.getString("name"),
          gender == null ? "" : english ? gender : "M".equals(gender) ? "男" : "女",
          r.getString("class_name"), r.getString("major"), r.getString("college"), r.getString("email"), r.getString("phone")));
      }
      return out;
    });
  }

  /** Writes the rows under a header row as CSV (UTF-8 with BOM, for Excel) or XLSX. Blocking: for worker threads. */
  public static void write(Path out, List<List<String>> rows, boolean xlsx, boolean english) throws IOException {
    List<String> headers = english ? HEADERS_EN : HEADERS_ZH;
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out), 64 * 1024)) {
      if (xlsx) {
        Workbook workbook = new Workbook(file, "xuanke", "1.0");
        Worksheet sheet = workbook.newWorksheet(english ? "No selection" : "未选课学生");
        for (int c = 0; c < headers.size(); c++) sheet.inlineString(0, c, headers.get(c));
        sheet.range(0, 0, 0, headers.size() - 1).style().bold().set();
        sheet.freezePane(0, 1);
        for (int r = 0; r < rows.size(); r++) {
          for (int c = 0; c < headers.size(); c++) sheet.inlineString(r + 1, c, rows.get(r).get(c));
        }
        workbook.finish();
      } else {
        file.write(UTF8_BOM);
        Writer writer = new OutputStreamWriter(file, StandardCharsets.UTF_8);
        CSVPrinter printer = new CSVPrinter(writer, CSVFormat.EXCEL);
        printer.printRecord(headers);
        for (List<String> row : rows) printer.printRecord(row.stream().map(Unselected::inert).toList());
        printer.flush();
      }
    }
  }

  /** A spreadsheet runs a cell starting like a formula; a leading quote makes it text (names and phones are the students'). */
  private static String inert(String cell) {
    return !cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0 ? "'" + cell : cell;
  }
}
