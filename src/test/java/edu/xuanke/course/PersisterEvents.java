package edu.xuanke.course;

import edu.xuanke.core.StreamReader;

import java.util.Map;

/** Stream entries as the selection scripts append them, for tests that hand batches to the persister. */
final class PersisterEvents {

  private PersisterEvents() {
  }

  /** An event with stream id {@code id} ("millis-seq"), appended at the id's time. */
  static StreamReader.Entry entry(String id, String type, String student, long section, long seq, long generation) {
    return new StreamReader.Entry(id, Map.of("type", type, "student", student, "section", Long.toString(section),
      "at", id.substring(0, id.indexOf('-')), "seq", Long.toString(seq), "gen", Long.toString(generation)));
  }
}
