package edu.xuanke.course;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest each term's MySQL is known to hold: its live-state generation and newest stored event
 * (as a sortable id, see {@link Persister#sortableId}). Learnt from MySQL when it answers and from
 * this instance's own commits; when MySQL is out of reach it is what a Redis that comes back is
 * checked against, so a Redis older than MySQL is noticed even during a MySQL outage.
 */
public final class PersistedMarks {

  /** A term's generation and newest event in MySQL; an empty event id when it has none. */
  public record Mark(long generation, String lastEvent) {
    static final Mark NONE = new Mark(0, "");

    Mark max(Mark other) {
      return new Mark(Math.max(generation, other.generation),
        lastEvent.compareTo(other.lastEvent) >= 0 ? lastEvent : other.lastEvent);
    }
  }

  private final Map<Long, Mark> marks = new ConcurrentHashMap<>();

  public Mark get(long termId) {
    return marks.getOrDefault(termId, Mark.NONE);
  }

  /** Records what MySQL was seen to hold; marks only ever move forward. */
  public Mark advance(long termId, Mark seen) {
    return marks.merge(termId, seen, Mark::max);
  }
}
