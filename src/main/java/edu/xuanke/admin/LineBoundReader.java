package edu.xuanke.admin;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Fails once a line grows past a bound: the CSV parser holds a whole field in memory, so one
 * line of a 20 MB upload would otherwise become one 40 MB string.
 */
final class LineBoundReader extends FilterReader {

  /** The line over the bound. */
  static final class TooLong extends IOException {
    TooLong() {
      super("line too long");
    }
  }

  private final int maxChars;
  private int sinceNewline;

  LineBoundReader(Reader in, int maxChars) {
    super(in);
    this.maxChars = maxChars;
  }

  @Override
  public int read() throws IOException {
    int c = super.read();
    if (c >= 0) count((char) c);
    return c;
  }

  @Override
  public int read(char[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    for (int i = offset; i < offset + n; i++) count(buffer[i]);
    return n;
  }

  private void count(char c) throws TooLong {
    sinceNewline = c == '\n' ? 0 : sinceNewline + 1;
    if (sinceNewline > maxChars) throw new TooLong();
  }
}
