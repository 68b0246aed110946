package edu.xuanke.admin;

import edu.xuanke.auth.LoginIds;
import edu.xuanke.core.PlainText;
import io.vertx.core.json.JsonObject;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a student list (CSV, UTF-8 with or without BOM, or XLSX, first sheet) row by row with a
 * streaming reader, and checks each row. Columns are found by their header, in Chinese or
 * English; only 学号 / studentId is required. Blocking: for worker threads.
 */
public final class StudentFile {

  /** The rows that passed, as AuthService#importStudents takes them, and one error per bad row. */
  public record Parsed(List<JsonObject> rows, List<JsonObject> errors) {
  }

  /**
   * Thrown when the file as a whole cannot be read (no 学号 column, not CSV/XLSX, corrupt, over a
   * size bound); {@code row} is where reading stopped when known, else 0, and {@code line} the
   * CSV line where the record that broke began (0 when not a CSV error).
   */
  public static final class Unreadable extends Exception {
    public final String code;
    public final int row;
    public final long line;

    Unreadable(String code) {
      this(code, 0);
    }

    Unreadable(String code, int row) {
      this(code, row, 0);
    }

    Unreadable(String code, int row, long line) {
      super(code);
      this.code = code;
      this.row = row;
      this.line = line;
    }

    /** As a job lists it: {row, code} and, for a CSV, the line. */
    public JsonObject error() {
      JsonObject error = new JsonObject().put("row", row).put("code", code);
      return line > 0 ? error.put("line", line) : error;
    }
  }

  /** Data rows a file may have: the parsed rows are held in memory until the job ends. */
  public static final int MAX_ROWS = 100_000;
  /** Characters a CSV line may have: the parser holds a whole field, and real rows are a few hundred. */
  static final int MAX_CSV_LINE_CHARS = 64 * 1024;
  /** Columns read of an XLSX row: a row may claim column XFD (16,384) in a few bytes. */
  private static final int MAX_COLUMNS = 256;

  private static final Map<String, String> HEADERS = new HashMap<>();
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  static {
    header("studentId", "学号", "studentid", "student id", "student_id");
    header("name", "姓名", "name");
    header("gender", "性别", "gender", "sex");
    header("className", "班级", "classname", "class", "class name");
    header("major", "专业", "major");
    header("college", "学院", "college");
    header("email", "邮箱", "电子邮箱", "email", "e-mail");
    header("phone", "手机", "手机号", "电话", "phone", "mobile");
  }

  private static void header(String field, String... names) {
    for (String name : names) HEADERS.put(name, field);
  }

  private final Set<String> colleges;
  private final Pattern phone;

  public StudentFile(List<String> colleges, String phonePattern) {
    this.colleges = Set.copyOf(colleges);
    this.phone = Pattern.compile(phonePattern);
  }

  public static boolean supported(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    return lower.endsWith(".csv") || lower.endsWith(".xlsx");
  }

  public Parsed read(File file, String fileName) throws IOException, Unreadable {
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv")) return readCsv(file);
    if (lower.endsWith(".xlsx")) return readXlsx(file);
    throw new Unreadable("UNSUPPORTED_FORMAT");
  }

  private Parsed readCsv(File file) throws IOException, Unreadable {
    try (Reader in = new LineBoundReader(new BufferedReader(new InputStreamReader(Files.newInputStream(file.toPath()),
           StandardCharsets.UTF_8)), MAX_CSV_LINE_CHARS);
         CSVParser parser = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(false).get().parse(in)) {
      Checker checker = null;
      Iterator<CSVRecord> records = parser.iterator();
      while (true) {
        // The parser's line count before a record is where that record begins (less one).
        long startsOnLine = parser.getCurrentLineNumber() + 1;
        int row = (int) parser.getRecordNumber() + 1;
        CSVRecord record;
        try {
          if (!records.hasNext()) break;
          record = records.next();
        } catch (UncheckedIOException e) {
          throw csvProblem(e.getCause(), row, startsOnLine);
        }
        List<String> cells = record.toList();
        if (checker == null) checker = new Checker(columns(cells));
        else checker.row((int) record.getRecordNumber(), cells);
      }
      if (checker == null) throw new Unreadable("EMPTY_FILE");
      return checker.parsed();
    }
  }

  /** An unterminated quote, a stray character after one, or a line over the bound, where its record began. */
  private static Unreadable csvProblem(IOException cause, int row, long line) {
    if (cause instanceof LineBoundReader.TooLong) return new Unreadable("ROW_TOO_LONG", row, line);
    String message = String.valueOf(cause.getMessage());
    String code = message.contains("EOF reached before encapsulated token finished") ? "UNTERMINATED_QUOTE" : "MALFORMED_CSV";
    return new Unreadable(code, row, line);
  }

  private Parsed readXlsx(File file) throws Unreadable {
    try {
      XlsxBounds.check(file);
    } catch (IOException notAZip) {
      throw new Unreadable("UNREADABLE_FILE");
    }
    try (ReadableWorkbook workbook = new ReadableWorkbook(file);
         Stream<Row> rows = workbook.getFirstSheet().openStream()) {
      Checker[] checker = new Checker[1];
      Unreadable[] bad = new Unreadable[1];
      rows.forEach(row -> {
        if (bad[0] != null) return;
        List<String> cells = new ArrayList<>();
        for (int c = 0; c < Math.min(row.getCellCount(), MAX_COLUMNS); c++) cells.add(cellText(row, c));
        try {
          if (checker[0] == null) checker[0] = new Checker(columns(cells));
          else checker[0].row(row.getRowNum(), cells);
        } catch (Unreadable e) {
          bad[0] = e;
        }
      });
      if (bad[0] != null) throw bad[0];
      if (checker[0] == null) throw new Unreadable("EMPTY_FILE");
      return checker[0].parsed();
    } catch (IOException | RuntimeException corrupt) {
      // Not a workbook at all, or a damaged one: the admin's file, not our failure.
      throw new Unreadable("UNREADABLE_FILE");
    }
  }

  /** A cell as text; numbers (student ids, phones typed as numbers) without a decimal point. */
  private static String cellText(Row row, int c) {
    if (!row.hasCell(c) || row.getCell(c) == null) return "";
    var cell = row.getCell(c);
    return switch (cell.getType()) {
      case NUMBER -> cell.asNumber().stripTrailingZeros().toPlainString();
      case EMPTY -> "";
      default -> cell.getText() == null ? "" : cell.getText();
    };
  }

  private static Map<String, Integer> columns(List<String> header) throws Unreadable {
    Map<String, Integer> at = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i).replace("\uFEFF", "").trim().toLowerCase(Locale.ROOT);
      String field = HEADERS.get(name);
      if (field != null) at.putIfAbsent(field, i);
    }
    if (!at.containsKey("studentId")) throw new Unreadable("NO_STUDENT_ID_COLUMN");
    return at;
  }

  /** Checks data rows one by one; row numbers are the spreadsheet's (the header is row 1). */
  private final class Checker {
    private final Map<String, Integer> columns;
    private final List<JsonObject> rows = new ArrayList<>();
    private final List<JsonObject> errors = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();

    Checker(Map<String, Integer> columns) {
      this.columns = columns;
    }

    void row(int number, List<String> cells) throws Unreadable {
      if (rows.size() + errors.size() >= MAX_ROWS) throw new Unreadable("TOO_MANY_ROWS");
      JsonObject row = new JsonObject().put("row", number);
      boolean blank = true;
      for (Map.Entry<String, Integer> column : columns.entrySet()) {
        String value = column.getValue() < cells.size() ? cells.get(column.getValue()).trim() : "";
        if (!value.isEmpty()) blank = false;
        row.put(column.getKey(), value);
      }
      if (blank) return;
      String problem = problem(row);
      if (problem != null) errors.add(new JsonObject().put("row", number).put("code", problem));
      else rows.add(row);
    }

    private String problem(JsonObject row) {
      String problem = StudentFile.this.problem(row);
      if (problem == null && !seen.add(row.getString("studentId"))) return "DUPLICATE_IN_FILE";
      return problem;
    }

    Parsed parsed() {
      return new Parsed(rows, errors);
    }
  }

  /**
   * The reason a student row (fields as the import reads them, all strings) is refused, or null;
   * brings the student id to its canonical form ({@link LoginIds}) and the gender to M / F / "".
   */
  public String problem(JsonObject row) {
    String typed = row.getString("studentId", "");
    if (typed.isEmpty()) return "MISSING_STUDENT_ID";
    String id = LoginIds.canonical(typed);
    if (id == null) return "INVALID_STUDENT_ID";
    row.put("studentId", id);
    if (multiLineField(row) != null) return "INVALID_CHARACTERS";
    String gender = gender(row.getString("gender", ""));
    if (gender == null) return "INVALID_GENDER";
    row.put("gender", gender);
    String email = row.getString("email", "");
    if (!email.isEmpty() && (!EMAIL.matcher(email).matches() || email.length() > 254)) return "INVALID_EMAIL";
    String mobile = row.getString("phone", "");
    if (!mobile.isEmpty() && !phone.matcher(mobile).matches()) return "INVALID_PHONE";
    String college = row.getString("college", "");
    if (!college.isEmpty() && !colleges.contains(college)) return "UNKNOWN_COLLEGE";
    for (String field : List.of("name", "className", "major")) {
      if (row.getString(field, "").length() > 100) return "TOO_LONG";
    }
    return null;
  }

  /** The first text field holding a control or bidi character (see {@link PlainText}), or null. */
  public static String multiLineField(JsonObject row) {
    for (String field : List.of("name", "className", "major", "college", "email", "phone")) {
      if (!PlainText.singleLine(row.getString(field, ""))) return field;
    }
    return null;
  }

  /** "M", "F", "" (not given), or null when it is none of those. */
  private static String gender(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "" -> "";
      case "男", "m", "male" -> "M";
      case "女", "f", "female" -> "F";
      default -> null;
    };
  }
}
