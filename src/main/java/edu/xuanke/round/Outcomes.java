package edu.xuanke.round;

import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.List;

/**
 * One student's lottery outcomes as stored in {@code lottery_outcomes.outcomes}: a JSON array in
 * rank order of [rank, sectionId, outcome, drawNumber, applicants, priority]. One row per student
 * rather than per wish: a fifth of the rows to write for five wishes each.
 */
public final class Outcomes {

  private Outcomes() {
  }

  /** {@code of} must be one student's outcomes. */
  public static String encode(List<Lottery.Outcome> of) {
    JsonArray out = new JsonArray();
    for (Lottery.Outcome o : of) {
      out.add(new JsonArray().add(o.rank()).add(o.sectionId()).add(o.outcome()).add(o.drawNumber()).add(o.applicants())
        .add(o.priority()));
    }
    return out.encode();
  }

  public static List<Lottery.Outcome> decode(String studentId, String stored) {
    JsonArray wishes = new JsonArray(stored);
    List<Lottery.Outcome> out = new ArrayList<>(wishes.size());
    for (int i = 0; i < wishes.size(); i++) {
      JsonArray w = wishes.getJsonArray(i);
      out.add(new Lottery.Outcome(studentId, w.getInteger(0), w.getLong(1), w.getString(2), w.getInteger(3), w.getInteger(4),
        w.getInteger(5)));
    }
    return out;
  }

  /** The outcomes with the one of {@code sectionId} changed to {@code outcome} (a winner publication could not seat). */
  public static List<Lottery.Outcome> withOutcome(List<Lottery.Outcome> of, long sectionId, String outcome) {
    List<Lottery.Outcome> out = new ArrayList<>(of.size());
    for (Lottery.Outcome o : of) {
      out.add(o.sectionId() != sectionId ? o
        : new Lottery.Outcome(o.studentId(), o.rank(), o.sectionId(), outcome, o.drawNumber(), o.applicants(), o.priority()));
    }
    return out;
  }
}
