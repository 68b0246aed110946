package edu.xuanke.round;

import io.vertx.core.json.JsonObject;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;

/**
 * A lottery's results as a file for the office, one line per student and wish: student, rank,
 * course, section, outcome (won or not), the reason in words, draw number, applicants and
 * priority group. Pages of students are appended as they are read, so memory stays flat; XLSX
 * uses inline strings for the same reason, numbers as number cells, a bold, frozen, filtered header. Blocking: for worker threads, one call at a time.
 */
public final class ResultsExport implements Closeable {

  private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final List<String> COLUMNS = List.of("studentId", "rank", "courseCode", "courseTitle", "sectionId",
    "outcome", "reason", "drawNumber", "applicants", "priority");

  private final ResourceBundle texts;
  private final Map<Long, JsonObject> sections;
  private final OutputStream file;
  private final CSVPrinter csv;
  private final Workbook workbook;
  private final Worksheet sheet;
  private int row;

  /** {@code sections}: the term's sections by id ({courseCode, courseTitle}). */
  public ResultsExport(Path out, boolean xlsx, boolean english, Map<Long, JsonObject> sections) throws IOException {
    this.texts = ResourceBundle.getBundle("i18n/pages", english ? Locale.ROOT : Locale.SIMPLIFIED_CHINESE);
    this.sections = sections;
    this.file = new BufferedOutputStream(Files.newOutputStream(out), 64 * 1024);
    if (xlsx) {
      workbook = new Workbook(file, "xuanke", "1.0");
      sheet = workbook.newWorksheet(texts.getString("lotteryExport.sheet"));
      // As the enrollment export: the header row frozen (the sheet view precedes the rows, so before any flush).
      sheet.freezePane(0, 1);
      csv = null;
    } else {
      file.write(UTF8_BOM);
      csv = new CSVPrinter(new OutputStreamWriter(file, StandardCharsets.UTF_8), CSVFormat.EXCEL);
      workbook = null;
      sheet = null;
    }
    line(COLUMNS.stream().<Object>map(c -> texts.getString("lotteryExport." + c)).toList());
  }

  public void add(List<Lottery.Outcome> studentOutcomes) throws IOException {
    for (Lottery.Outcome o : studentOutcomes) {
      JsonObject section = sections.getOrDefault(o.sectionId(), new JsonObject());
      boolean won = Lottery.WON.equals(o.outcome());
      line(List.of(o.studentId(), (long) o.rank(), section.getString("courseCode", ""), section.getString("courseTitle", ""),
        o.sectionId(), texts.getString(won ? "lotteryExport.won" : "lotteryExport.notWon"), won ? "" : reason(o.outcome()),
        o.drawNumber() == 0 ? "" : (Object) (long) o.drawNumber(), (long) o.applicants(), (long) o.priority()));
    }
    if (sheet != null) sheet.flush();
  }

  /** A refusal in words; a code without a sentence (none expected) as itself rather than a failed file. */
  private String reason(String code) {
    String key = "wishes.outcome." + code;
    return texts.containsKey(key) ? texts.getString(key) : code;
  }

  /** Text cells and numbers (Long: number cells in XLSX); the header row bold. */
  private void line(List<Object> cells) throws IOException {
    if (csv != null) {
      // A spreadsheet runs a cell starting like a formula; a leading quote keeps it text.
      csv.printRecord(cells.stream().map(Object::toString)
        .map(c -> !c.isEmpty() && "=+-@\t\r".indexOf(c.charAt(0)) >= 0 ? "'" + c : c).toList());
      return;
    }
    for (int c = 0; c < cells.size(); c++) {
      if (cells.get(c) instanceof Long n) sheet.value(row, c, n);
      else sheet.inlineString(row, c, (String) cells.get(c));
      if (row == 0) sheet.style(row, c).bold().set();
    }
    row++;
  }

  /** Ends the file; a file ended early (a failure) is deleted by the caller. */
  @Override
  public void close() throws IOException {
    if (csv != null) {
      csv.close();
    } else {
      sheet.setAutoFilter(0, 0, row - 1, COLUMNS.size() - 1);
      sheet.finish();
      workbook.finish();
      file.close();
    }
  }
}
