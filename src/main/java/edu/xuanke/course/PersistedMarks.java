package edu.xuanke.course;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

/**
 * The newest each term's MySQL is known to hold: its live-state generation and newest stored event
 * (as a sortable id, see {@link Persister#sortableId}). Learnt from MySQL when it answers and from
 * this node's own commits; when MySQL is out of reach it is what a Redis that comes back is
 * checked against, so a Redis older than MySQL is noticed even during a MySQL outage. Shared by
 * the node's verticles (a local map): the persister advances the marks, the course instances read them.
 */
public final class PersistedMarks {

  /** A term's generation and newest event in MySQL; an empty event id when it has none. */
  public record Mark(long generation, String lastEvent) implements Shareable {
    static final Mark NONE = new Mark(0, "");

    Mark max(Mark other) {
      return new Mark(Math.max(generation, other.generation),
        lastEvent.compareTo(other.lastEvent) >= 0 ? lastEvent : other.lastEvent);
    }
  }

  private final LocalMap<Long, Mark> marks;

  public PersistedMarks(Vertx vertx) {
    this.marks = vertx.sharedData().getLocalMap("xuanke.persisted-marks");
  }

  public Mark get(long termId) {
    return marks.getOrDefault(termId, Mark.NONE);
  }

  /** Records what MySQL was seen to hold; marks only ever move forward. */
  public Mark advance(long termId, Mark seen) {
    return marks.merge(termId, seen, Mark::max);
  }
}
