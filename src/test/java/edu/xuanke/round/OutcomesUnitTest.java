package edu.xuanke.round;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A student's outcomes survive their one-row encoding, and a refusal at publication changes just its wish. */
class OutcomesUnitTest {

  private static final List<Lottery.Outcome> OUTCOMES = List.of(
    new Lottery.Outcome("S1", 1, 10L, Lottery.FULL, 1432, 2100, 1),
    new Lottery.Outcome("S1", 2, 11L, Lottery.WON, 3, 40, 0),
    new Lottery.Outcome("S1", 3, 12L, Lottery.RESTRICTED, 0, 7, 2));

  @Test
  void encodedAndDecodedInRankOrder() {
    String stored = Outcomes.encode(OUTCOMES);
    assertEquals("[[1,10,\"SECTION_FULL\",1432,2100,1],[2,11,\"WON\",3,40,0],[3,12,\"RESTRICTED\",0,7,2]]", stored);
    assertEquals(OUTCOMES, Outcomes.decode("S1", stored));
  }

  @Test
  void aRefusalChangesOnlyItsWish() {
    List<Lottery.Outcome> refused = Outcomes.withOutcome(OUTCOMES, 11L, "TIME_CONFLICT");
    assertEquals("TIME_CONFLICT", refused.get(1).outcome());
    assertEquals(3, refused.get(1).drawNumber());
    assertEquals(OUTCOMES.get(0), refused.get(0));
    assertEquals(OUTCOMES.get(2), refused.get(2));
  }
}
