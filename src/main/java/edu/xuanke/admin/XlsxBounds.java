package edu.xuanke.admin;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;

/**
 * Checks an XLSX before the workbook reader sees it: the XML parser holds a whole text node, and
 * the reader a whole row and every shared string up to the highest one used, so a 205 KB file
 * whose one cell inflates to 200 MB once took the heap past 1 GB. This pass inflates every entry
 * once, counting the bytes (entry headers can lie), and watches, byte by byte and without
 * parsing, how far apart markup is:
 * <ul>
 *   <li>no text node or tag longer than {@link #MAX_TEXT_BYTES} (the gap between two {@code <}),</li>
 *   <li>no shared string ({@code <si>} to the next) longer than {@link #MAX_TEXT_BYTES} — a rich
 *       string of many short runs is one cell too,</li>
 *   <li>no sheet row ({@code <row>} to the next, or to {@code </sheetData>}) longer than
 *       {@link #MAX_ROW_BYTES},</li>
 *   <li>no entry larger than {@link #MAX_ENTRY_BYTES}, the shared strings no larger than
 *       {@link #MAX_SHARED_STRINGS_BYTES} (the reader keeps them), and all entries together no larger
 *       than {@link #MAX_ARCHIVE_BYTES}.</li>
 * </ul>
 * Real student lists stay far below: 100,000 rows of ten columns are about 50 MB of sheet XML,
 * a row a few hundred bytes. Blocking: for worker threads.
 */
final class XlsxBounds {

  static final int MAX_TEXT_BYTES = 64 * 1024;
  static final int MAX_ROW_BYTES = 1024 * 1024;
  static final long MAX_ENTRY_BYTES = 256L * 1024 * 1024;
  static final long MAX_SHARED_STRINGS_BYTES = 64L * 1024 * 1024;
  static final long MAX_ARCHIVE_BYTES = 512L * 1024 * 1024;
  private static final int MAX_ENTRIES = 1_000;
  private static final int NAME_BYTES = 16;

  private XlsxBounds() {
  }

  /** Throws {@link StudentFile.Unreadable} (CELL_TOO_LONG with its row when known, ROW_TOO_LONG, FILE_TOO_LARGE). */
  static void check(File file) throws IOException, StudentFile.Unreadable {
    try (ZipFile zip = ZipFile.builder().setFile(file).get()) {
      long total = 0;
      int entries = 0;
      for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
        if (++entries > MAX_ENTRIES) throw new StudentFile.Unreadable("FILE_TOO_LARGE");
        if (entry.isDirectory()) continue;
        String name = entry.getName();
        long limit = name.endsWith("sharedStrings.xml") ? MAX_SHARED_STRINGS_BYTES : MAX_ENTRY_BYTES;
        try (InputStream in = zip.getInputStream(entry)) {
          total += new Scan(name.contains("worksheets/"), name.endsWith("sharedStrings.xml"))
            .run(in, Math.min(limit, MAX_ARCHIVE_BYTES - total));
        }
      }
    }
  }

  /** One entry's bytes; markers are recognised by the element name after {@code <}, any namespace prefix dropped. */
  private static final class Scan {
    private final boolean sheet;
    private final boolean sharedStrings;
    private long position;
    private long lastTagAt;
    private long rowAt = -1;
    private long stringAt = -1;
    private int rows;
    private final byte[] name = new byte[NAME_BYTES];
    private int nameLength = -1;

    Scan(boolean sheet, boolean sharedStrings) {
      this.sheet = sheet;
      this.sharedStrings = sharedStrings;
    }

    /** Scans the entry; returns its size. */
    long run(InputStream in, long limit) throws IOException, StudentFile.Unreadable {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        for (int i = 0; i < n; i++, position++) {
          byte b = buffer[i];
          if (b == '<') {
            if (position - lastTagAt > MAX_TEXT_BYTES) throw tooLong("CELL_TOO_LONG");
            lastTagAt = position;
            nameLength = 0;
          } else if (nameLength >= 0) {
            name(b);
          }
        }
        if (position > limit) throw new StudentFile.Unreadable("FILE_TOO_LARGE");
        if (position - lastTagAt > MAX_TEXT_BYTES) throw tooLong("CELL_TOO_LONG");
        if (rowAt >= 0 && position - rowAt > MAX_ROW_BYTES) throw tooLong("ROW_TOO_LONG");
        if (stringAt >= 0 && position - stringAt > MAX_TEXT_BYTES) throw tooLong("CELL_TOO_LONG");
      }
      return position;
    }

    private void name(byte b) throws StudentFile.Unreadable {
      boolean ends = b == ' ' || b == '>' || b == '/' && nameLength > 0 || b == '\t' || b == '\r' || b == '\n';
      if (!ends) {
        if (b == ':') nameLength = nameLength > 0 && name[0] == '/' ? 1 : 0;
        else if (nameLength < NAME_BYTES) name[nameLength++] = b;
        else nameLength = -1;
        return;
      }
      if (sheet && is("row")) {
        if (rowAt >= 0 && lastTagAt - rowAt > MAX_ROW_BYTES) throw tooLong("ROW_TOO_LONG");
        rowAt = lastTagAt;
        rows++;
      } else if (sheet && is("/sheetData")) {
        if (rowAt >= 0 && lastTagAt - rowAt > MAX_ROW_BYTES) throw tooLong("ROW_TOO_LONG");
        rowAt = -1;
      } else if (sharedStrings && (is("si") || is("/sst"))) {
        if (stringAt >= 0 && lastTagAt - stringAt > MAX_TEXT_BYTES) throw tooLong("CELL_TOO_LONG");
        stringAt = lastTagAt;
      }
      nameLength = -1;
    }

    private boolean is(String element) {
      if (element.length() != nameLength) return false;
      for (int i = 0; i < nameLength; i++) if (name[i] != element.charAt(i)) return false;
      return true;
    }

    /** In a sheet the row is the count of rows begun (the header is row 1); in shared strings unknown (0). */
    private StudentFile.Unreadable tooLong(String code) {
      return new StudentFile.Unreadable(code, sheet ? rows : 0);
    }
  }
}
