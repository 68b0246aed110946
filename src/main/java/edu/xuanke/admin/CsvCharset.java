package edu.xuanke.admin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The character set of an uploaded CSV: UTF-8 (with or without a byte-order mark) when every byte
 * decodes as UTF-8, else GB18030 — what Excel on Chinese Windows saves as "CSV" (GBK, of which
 * GB18030 is a superset). GBK text that happens to be valid UTF-8 is vanishingly rare for Chinese
 * names, while UTF-8 text is never valid-looking GBK only by accident, so the whole file is read
 * once as UTF-8 and the first malformed sequence decides.
 */
final class CsvCharset {

  static final Charset GB18030 = Charset.forName("GB18030");

  private CsvCharset() {
  }

  static Charset detect(Path file) throws IOException {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    CharBuffer out = CharBuffer.allocate(64 * 1024);
    try (InputStream stream = Files.newInputStream(file)) {
      boolean end = false;
      while (!end) {
        int read = stream.read(in.array(), in.position(), in.remaining());
        end = read < 0;
        if (!end) in.position(in.position() + read);
        in.flip();
        CoderResult result = utf8.decode(in, out, end);
        if (result.isError()) return GB18030;
        out.clear();
        in.compact();
      }
      if (utf8.flush(out).isError()) return GB18030;
    }
    return StandardCharsets.UTF_8;
  }
}
