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
 * uses inline strings for the same reason. Blocking: for worker threads, one call at a time.
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
      csv = null;
    } else {
      file.write(UTF8_BOM);
      csv = new CSVPrinter(new OutputStreamWriter(file, StandardCharsets.UTF_8), CSVFormat.EXCEL);
      workbook = null;
      sheet = null;
    }
    line(COLUMNS.stream().map(c -> texts.getString("lotteryExport." + c)).toList());
  }

  public void add(List<Lottery.Outcome> studentOutcomes) throws IOException {
    for (Lottery.Outcome o : studentOutcomes) {
      JsonObject section = sections.getOrDefault(o.sectionId(), new JsonObject());
      boolean won = Lottery.WON.equals(o.outcome());
      line(List.of(o.studentId(), Integer.toString(o.rank()), section.getString("courseCode", ""),
        section.getString("courseTitle", ""), Long.toString(o.sectionId()),
        texts.getString(won ? "lotteryExport.won" : "lotteryExport.notWon"),
        won ? "" : reason(o.outcome()),
        o.drawNumber() == 0 ? "" : Integer.toString(o.drawNumber()), Integer.toString(o.applicants()),
        Integer.toString(o.priority())));
    }
    if (sheet != null) sheet.flush();
  }

  /** A refusal in words; a code without a sentence (none expected) as itself rather than a failed file. */
  private String reason(String code) {
    String key = "wishes.outcome." + code;
    return texts.containsKey(key) ? texts.getString(key) : code;
  }

  private void line(List<String> cells) throws IOException {
    if (csv != null) {
      // A spreadsheet runs a cell starting like a formula; a leading quote keeps it text.
      csv.printRecord(cells.stream().map(c -> !c.isEmpty() && "=+-@\t\r".indexOf(c.charAt(0)) >= 0 ? "'" + c : c).toList());
      return;
    }
    for (int c = 0; c < cells.size(); c++) sheet.inlineString(row, c, cells.get(c));
    row++;
  }

  /** Ends the file; a file ended early (a failure) is deleted by the caller. */
  @Override
  public void close() throws IOException {
    if (csv != null) {
      csv.close();
    } else {
      sheet.finish();
      workbook.finish();
      file.close();
    }
  }
}
