package edu.xuanke.support;

import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.ReadingOptions;
import org.dhatim.fastexcel.reader.Row;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * An exported XLSX file as a reader sees it: its one sheet's name and cells (through the
 * spreadsheet library), and what the library does not read — the frozen pane, the filter range
 * and the header's font — from the sheet's and the styles' XML.
 */
public final class Spreadsheets {

  /** The enrollment export's header row in zh-CN, as the README lists it. */
  public static final List<String> ENROLLMENT_HEADERS = List.of("学号", "姓名", "性别", "班级", "专业", "学院", "上课时间",
    "具体时间", "上课地点", "教师", "助教", "手机号", "课程名", "课程类型", "课程性质", "教学班编号", "选课时间", "代选");

  public final String sheetName;
  /** Rows of cells; a missing cell is null. */
  public final List<List<Cell>> rows = new ArrayList<>();
  private final String sheetXml;
  private final String stylesXml;

  public Spreadsheets(byte[] xlsx) {
    try (ReadableWorkbook workbook = new ReadableWorkbook(new ByteArrayInputStream(xlsx), new ReadingOptions(true, false))) {
      assertOneSheet(workbook.getSheets().count());
      sheetName = workbook.getFirstSheet().getName();
      for (Row row : workbook.getFirstSheet().read()) {
        List<Cell> cells = new ArrayList<>();
        for (int c = 0; c < row.getCellCount(); c++) cells.add(row.getCell(c));
        rows.add(cells);
      }
      sheetXml = entry(xlsx, "xl/worksheets/sheet1.xml");
      stylesXml = entry(xlsx, "xl/styles.xml");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertOneSheet(long sheets) {
    if (sheets != 1) throw new AssertionError("one sheet expected, found " + sheets);
  }

  /** The cells' texts as a reader shows them (a date cell's text is its serial number). */
  public List<List<String>> texts() {
    return rows.stream().map(r -> r.stream().map(c -> c == null ? "" : c.getText()).toList()).toList();
  }

  /** The rows kept in view above the frozen split (0 when nothing is frozen). */
  public int frozenRows() {
    Matcher pane = Pattern.compile("<pane [^>]*ySplit=\"(\\d+)\"[^>]*state=\"frozen\"").matcher(sheetXml);
    return pane.find() ? Integer.parseInt(pane.group(1)) : 0;
  }

  /** The auto-filter's range, e.g. "A1:Q12"; null when the sheet has none. */
  public String autoFilter() {
    Matcher filter = Pattern.compile("<autoFilter ref=\"([A-Z0-9:]+)\"").matcher(sheetXml);
    return filter.find() ? filter.group(1) : null;
  }

  /** Whether the cell at a reference such as "A1" is in a bold font. */
  public boolean bold(String ref) {
    Matcher cell = Pattern.compile("<c r=\"" + ref + "\"[^>]*?\\bs=\"(\\d+)\"").matcher(sheetXml);
    if (!cell.find()) return false;
    List<String> formats = elements(section("cellXfs"), "xf");
    Matcher font = Pattern.compile("fontId=\"(\\d+)\"").matcher(formats.get(Integer.parseInt(cell.group(1))));
    if (!font.find()) return false;
    return elements(section("fonts"), "font").get(Integer.parseInt(font.group(1))).contains("<b/>");
  }

  private String section(String name) {
    int start = stylesXml.indexOf("<" + name);
    return stylesXml.substring(start, stylesXml.indexOf("</" + name + ">", start));
  }

  /** The elements named {@code tag} in {@code xml}, each from its start tag to its end (or self-closing end). */
  private static List<String> elements(String xml, String tag) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<" + tag + "[ >/](?:[^<]*/>|.*?</" + tag + ">)", Pattern.DOTALL).matcher(xml);
    while (m.find()) out.add(m.group());
    return out;
  }

  /** The workbook's central directory, not a stream: the writer records entry sizes after the data. */
  private static String entry(byte[] xlsx, String name) throws IOException {
    Path file = Files.createTempFile("xuanke-sheet-", ".xlsx");
    try {
      Files.write(file, xlsx);
      try (ZipFile zip = new ZipFile(file.toFile())) {
        ZipEntry e = zip.getEntry(name);
        if (e == null) throw new AssertionError(name + " missing from the workbook");
        try (InputStream in = zip.getInputStream(e)) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    } finally {
      Files.delete(file);
    }
  }
}
