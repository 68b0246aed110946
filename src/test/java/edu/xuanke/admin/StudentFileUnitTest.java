package edu.xuanke.admin;

import io.vertx.core.json.JsonObject;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading student lists, without services: CSV and XLSX edge cases, and the size bounds. */
class StudentFileUnitTest {

  private final StudentFile reader = new StudentFile(List.of("理学院"), "1[0-9]{10}");

  @TempDir
  Path dir;

  @Test
  void aCsvWithGoodAndBadRowsNamesEachBadRowByItsSpreadsheetNumber() throws Exception {
    StudentFile.Parsed parsed = reader.read(csv("\uFEFF学号,姓名,性别,学院\nS1,张三,男,理学院\n,无号,女,\nS2,李四,X,\nS1,again,,\n"),
      "a.csv");
    assertEquals(List.of("S1"), parsed.rows().stream().map(r -> r.getString("studentId")).toList());
    assertEquals("M", parsed.rows().get(0).getString("gender"));
    assertEquals(List.of(error(3, "MISSING_STUDENT_ID"), error(4, "INVALID_GENDER"), error(5, "DUPLICATE_IN_FILE")),
      parsed.errors());
  }

  @Test
  void anUnterminatedQuoteIsReportedAtTheLineWhereItStarts() throws Exception {
    StudentFile.Unreadable plain = assertThrows(StudentFile.Unreadable.class,
      () -> reader.read(csv("学号,姓名\nS1,A\nS2,B\nS3,\"C\nS4,D\nS5,E\n"), "q.csv"));
    assertEquals("UNTERMINATED_QUOTE", plain.code);
    assertEquals(4, plain.line);
    assertEquals(4, plain.row);
    assertEquals(new JsonObject().put("row", 4).put("code", "UNTERMINATED_QUOTE").put("line", 4L), plain.error());

    // A quoted field with a line break before it: lines and rows part ways.
    StudentFile.Unreadable afterBreak = assertThrows(StudentFile.Unreadable.class,
      () -> reader.read(csv("学号,姓名\nS1,\"two\nlines\"\nS2,B\nS3,\"C\n"), "q.csv"));
    assertEquals(5, afterBreak.line);
    assertEquals(4, afterBreak.row);

    StudentFile.Unreadable stray = assertThrows(StudentFile.Unreadable.class,
      () -> reader.read(csv("学号,姓名\nS1,\"A\"x\n"), "s.csv"));
    assertEquals("MALFORMED_CSV", stray.code);
    assertEquals(2, stray.line);
  }

  @Test
  void aCsvLineOverTheBoundIsRefusedWithoutReadingIt() throws Exception {
    String longName = "x".repeat(StudentFile.MAX_CSV_LINE_CHARS + 1);
    StudentFile.Unreadable refused = assertThrows(StudentFile.Unreadable.class,
      () -> reader.read(csv("学号,姓名\nS1,A\nS2," + longName + "\n"), "l.csv"));
    assertEquals("ROW_TOO_LONG", refused.code);
    assertEquals(3, refused.line);
  }

  @Test
  void filesThatCannotBeReadSayWhy() throws Exception {
    assertEquals("EMPTY_FILE", assertThrows(StudentFile.Unreadable.class, () -> reader.read(csv(""), "e.csv")).code);
    assertEquals("NO_STUDENT_ID_COLUMN",
      assertThrows(StudentFile.Unreadable.class, () -> reader.read(csv("姓名\n张三\n"), "n.csv")).code);
    assertEquals("UNREADABLE_FILE",
      assertThrows(StudentFile.Unreadable.class, () -> reader.read(csv("学号\nS1\n"), "x.xlsx")).code);
    assertEquals("UNSUPPORTED_FORMAT",
      assertThrows(StudentFile.Unreadable.class, () -> reader.read(csv("学号\nS1\n"), "x.pdf")).code);
  }

  @Test
  void anXlsxWithEnglishHeadersAndNumericIdsIsRead() throws Exception {
    Path file = dir.resolve("ok.xlsx");
    try (OutputStream out = Files.newOutputStream(file)) {
      Workbook workbook = new Workbook(out, "test", "1.0");
      Worksheet sheet = workbook.newWorksheet("students");
      sheet.value(0, 0, "Student ID");
      sheet.value(0, 1, "Name");
      sheet.value(0, 2, "Phone");
      sheet.value(1, 0, 20250001);
      sheet.value(1, 1, "Alice");
      sheet.value(1, 2, 13800000000L);
      sheet.value(2, 0, "bad id!");
      workbook.finish();
    }
    StudentFile.Parsed parsed = reader.read(file.toFile(), "ok.xlsx");
    assertEquals(1, parsed.rows().size());
    assertEquals("20250001", parsed.rows().get(0).getString("studentId"));
    assertEquals("13800000000", parsed.rows().get(0).getString("phone"));
    assertEquals(List.of(error(3, "INVALID_STUDENT_ID")), parsed.errors());
  }

  /** The generated files below are real workbooks: the same one with a small cell reads. */
  @Test
  void theHandMadeWorkbookReads() throws Exception {
    Path file = dir.resolve("small.xlsx");
    handMade(file, Part.INLINE, 100);
    StudentFile.Parsed parsed = reader.read(file.toFile(), "small.xlsx");
    assertEquals(List.of("S1"), parsed.rows().stream().map(r -> r.getString("studentId")).toList());
    assertEquals(100, parsed.rows().get(0).getString("name").length());
  }

  /** 205 KB on disk, one cell of 200 MB: once 1 GB of heap, now refused while streaming. */
  @Test
  void anXlsxWithAHugeCellIsRefusedEarlyAndTheHeapStaysSmall() throws Exception {
    Path file = dir.resolve("bomb.xlsx");
    handMade(file, Part.INLINE, 200L * 1024 * 1024);
    assertTrue(Files.size(file) < 1024 * 1024, "a small file: " + Files.size(file));

    long grown = heapGrowth(() -> {
      StudentFile.Unreadable refused = assertThrows(StudentFile.Unreadable.class, () -> reader.read(file.toFile(), "bomb.xlsx"));
      assertEquals("CELL_TOO_LONG", refused.code);
      assertEquals(2, refused.row);
    });
    assertTrue(grown < 128L * 1024 * 1024, "heap grew by " + grown / 1024 / 1024 + " MB");
  }

  @Test
  void aHugeSharedStringOfManyShortRunsIsRefused() throws Exception {
    Path file = dir.resolve("sst.xlsx");
    handMade(file, Part.SHARED_RUNS, 100L * 1024 * 1024);
    long grown = heapGrowth(() -> assertEquals("CELL_TOO_LONG",
      assertThrows(StudentFile.Unreadable.class, () -> reader.read(file.toFile(), "sst.xlsx")).code));
    assertTrue(grown < 128L * 1024 * 1024, "heap grew by " + grown / 1024 / 1024 + " MB");
  }

  @Test
  void aHugeRowOfSmallCellsIsRefusedWithItsRow() throws Exception {
    Path file = dir.resolve("row.xlsx");
    handMade(file, Part.WIDE_ROW, 4L * 1024 * 1024);
    StudentFile.Unreadable refused = assertThrows(StudentFile.Unreadable.class, () -> reader.read(file.toFile(), "row.xlsx"));
    assertEquals("ROW_TOO_LONG", refused.code);
    assertEquals(2, refused.row);
  }

  private static JsonObject error(int row, String code) {
    return new JsonObject().put("row", row).put("code", code);
  }

  private java.io.File csv(String text) throws IOException {
    Path file = Files.createTempFile(dir, "students", ".csv");
    Files.writeString(file, text);
    return file.toFile();
  }

  private interface Run {
    void run() throws Exception;
  }

  /** Peak heap in use during {@code run} less the heap in use before it (both after a collection). */
  private static long heapGrowth(Run run) throws Exception {
    List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    System.gc();
    long before = heap.stream().mapToLong(pool -> pool.getUsage().getUsed()).sum();
    heap.forEach(MemoryPoolMXBean::resetPeakUsage);
    run.run();
    long peak = heap.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    return peak - before;
  }

  /** Where the generated workbook's bulk goes. */
  private enum Part { INLINE, SHARED_RUNS, WIDE_ROW }

  /**
   * A minimal workbook (header 学号, 姓名; one student S1) whose row-2 name is {@code size} bytes:
   * one inline string, one shared string of 1,000-byte runs, or a row of 1,000-byte cells. Streamed
   * into the zip, never held.
   */
  private static void handMade(Path file, Part part, long size) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      entry(zip, "[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        + "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
        + "</Types>");
      entry(zip, "_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "</Relationships>");
      entry(zip, "xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
        + " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        + "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
      entry(zip, "xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        + "</Relationships>");
      zip.putNextEntry(new ZipEntry("xl/sharedStrings.xml"));
      write(zip, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        + "<si><t>学号</t></si><si><t>姓名</t></si><si>");
      if (part == Part.SHARED_RUNS) repeat(zip, "<r><t>" + "A".repeat(1000) + "</t></r>", size);
      else write(zip, "<t>N</t>");
      write(zip, "</si></sst>");
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
      write(zip, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        + "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
        + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>S1</t></is></c>");
      switch (part) {
        case INLINE -> {
          write(zip, "<c r=\"B2\" t=\"inlineStr\"><is><t>");
          repeat(zip, "A".repeat(10), size);
          write(zip, "</t></is></c>");
        }
        case SHARED_RUNS -> write(zip, "<c r=\"B2\" t=\"s\"><v>2</v></c>");
        case WIDE_ROW -> repeat(zip, "<c t=\"inlineStr\"><is><t>" + "A".repeat(1000) + "</t></is></c>", size);
      }
      write(zip, "</row></sheetData></worksheet>");
      zip.closeEntry();
    }
  }

  private static void entry(ZipOutputStream zip, String name, String text) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    write(zip, text);
    zip.closeEntry();
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code unit} again and again until {@code size} bytes or just over, in 64 KB writes. */
  private static void repeat(OutputStream out, String unit, long size) throws IOException {
    byte[] one = unit.getBytes(StandardCharsets.UTF_8);
    int perChunk = Math.max(1, 65_536 / one.length);
    byte[] chunk = new byte[one.length * perChunk];
    for (int i = 0; i < perChunk; i++) System.arraycopy(one, 0, chunk, i * one.length, one.length);
    long written = 0;
    for (; size - written >= chunk.length; written += chunk.length) out.write(chunk);
    for (; written < size; written += one.length) out.write(one);
  }
}
