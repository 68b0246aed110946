package edu.xuanke.round;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lottery alone: reproducible, uniform within a priority group, groups first, cancellation. */
class LotteryUnitTest {

  /**
   * Critical value of the chi-square distribution with 9 degrees of freedom at significance
   * 0.001 (upper tail): a fair lottery exceeds it once in a thousand runs of this test.
   */
  private static final double CHI_SQUARE_9_DF_AT_0_001 = 27.877;

  private static Lottery.Section section(long id, int seats, String course, int weekday, int start, int end,
                                         List<String> rules, int minimumSize) {
    return new Lottery.Section(id, seats, course, weekday, start, end, 0, 100, List.of(), rules, minimumSize);
  }

  private static Lottery.Section section(long id, int seats, String course, int weekday) {
    return section(id, seats, course, weekday, 600, 720, List.of(), 0);
  }

  private static List<Lottery.Applicant> applicants(String prefix, int count, long... wishes) {
    List<Lottery.Applicant> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) out.add(new Lottery.Applicant(prefix + String.format("%03d", i), "M", wishes));
    return out;
  }

  private static Map<String, List<Long>> winners(Lottery.Result result) {
    return result.outcomes().stream().filter(o -> o.outcome().equals(Lottery.WON))
      .collect(Collectors.groupingBy(Lottery.Outcome::studentId,
        Collectors.mapping(Lottery.Outcome::sectionId, Collectors.toList())));
  }

  @Test
  void theSameSeedGivesTheSameResultAndAnotherSeedAnother() {
    List<Lottery.Section> sections = List.of(section(1, 3, "A", 1), section(2, 3, "B", 2), section(3, 2, "C", 1));
    List<Lottery.Applicant> students = new ArrayList<>(applicants("S", 20, 1, 2, 3));
    students.addAll(applicants("T", 10, 3, 1));
    Lottery.Result first = Lottery.draw(42, 2, sections, students);
    // Input order does not matter either.
    List<Lottery.Applicant> reversed = new ArrayList<>(students);
    java.util.Collections.reverse(reversed);
    Lottery.Result again = Lottery.draw(42, 2, List.of(sections.get(2), sections.get(0), sections.get(1)), reversed);
    assertEquals(first.outcomes(), again.outcomes());
    assertEquals(first.inputsDigest(), again.inputsDigest());
    assertNotEquals(first.outcomes(), Lottery.draw(43, 2, sections, students).outcomes());
  }

  @Test
  void everyApplicantOfOneGroupWinsWithTheSameProbability() {
    // 10 students, 3 seats, 1,000 seeded lotteries: each should win about 300 times.
    List<Lottery.Section> sections = List.of(section(7, 3, "A", 1));
    List<Lottery.Applicant> students = applicants("S", 10, 7);
    Map<String, Integer> wins = new HashMap<>();
    int runs = 1_000;
    for (long seed = 1; seed <= runs; seed++) {
      Lottery.Result result = Lottery.draw(seed, 2, sections, students);
      winners(result).keySet().forEach(s -> wins.merge(s, 1, Integer::sum));
      assertEquals(3, winners(result).size());
    }
    double expected = runs * 3 / 10.0;
    double chiSquare = 0;
    for (Lottery.Applicant a : students) {
      int observed = wins.getOrDefault(a.studentId(), 0);
      chiSquare += (observed - expected) * (observed - expected) / expected;
    }
    assertTrue(chiSquare < CHI_SQUARE_9_DF_AT_0_001, "chi-square " + chiSquare + " over 9 degrees of freedom");
    // And the draw numbers are a uniform permutation too: each student is first about 100 times.
    Map<String, Integer> firsts = new HashMap<>();
    for (long seed = 1; seed <= runs; seed++) {
      Lottery.draw(seed, 2, sections, students).outcomes().stream().filter(o -> o.drawNumber() == 1)
        .forEach(o -> firsts.merge(o.studentId(), 1, Integer::sum));
    }
    double chiFirst = 0;
    for (Lottery.Applicant a : students) {
      int observed = firsts.getOrDefault(a.studentId(), 0);
      chiFirst += (observed - 100.0) * (observed - 100.0) / 100.0;
    }
    assertTrue(chiFirst < CHI_SQUARE_9_DF_AT_0_001, "chi-square of first draws " + chiFirst);
  }

  @Test
  void priorityGroupsAlwaysWinBeforeOthersAndAreUniformWithinTheRest() {
    List<Lottery.Section> sections = List.of(section(5, 6, "A", 1, 600, 720, List.of("prefix:2022", "major:CS"), 0));
    List<Lottery.Applicant> students = new ArrayList<>(applicants("2022", 4, 5));
    students.add(new Lottery.Applicant("2023900", "CS", new long[] {5}));
    students.addAll(applicants("2024", 10, 5));
    Map<String, Integer> wins = new HashMap<>();
    for (long seed = 1; seed <= 1_000; seed++) {
      Lottery.Result result = Lottery.draw(seed, 2, sections, students);
      Map<String, List<Long>> won = winners(result);
      for (int i = 1; i <= 4; i++) assertTrue(won.containsKey("2022" + String.format("%03d", i)), "graduating year wins");
      assertTrue(won.containsKey("2023900"), "the major's student wins");
      result.outcomes().stream().filter(o -> o.studentId().startsWith("2022"))
        .forEach(o -> assertTrue(o.drawNumber() <= 4 && o.priority() == 0, "group 0 draws first"));
      won.keySet().stream().filter(s -> s.startsWith("2024")).forEach(s -> wins.merge(s, 1, Integer::sum));
    }
    double chiSquare = 0;
    for (int i = 1; i <= 10; i++) {
      int observed = wins.getOrDefault("2024" + String.format("%03d", i), 0);
      chiSquare += (observed - 100.0) * (observed - 100.0) / 100.0;
    }
    assertTrue(chiSquare < CHI_SQUARE_9_DF_AT_0_001, "chi-square of the rest " + chiSquare);
  }

  @Test
  void firstWishesComeBeforeSecondAndNoConflictSameCourseOrMaximumIsWon() {
    // Section 1 (A, Monday 10–12) and 2 (B, Monday 11–13) overlap; 3 is another section of course A.
    List<Lottery.Section> sections = List.of(section(1, 5, "A", 1, 600, 720, List.of(), 0),
      section(2, 5, "B", 1, 660, 780, List.of(), 0), section(3, 5, "A", 2, 600, 720, List.of(), 0),
      section(4, 1, "D", 3, 600, 720, List.of(), 0), section(5, 5, "E", 4, 600, 720, List.of(), 0));
    List<Lottery.Applicant> students = new ArrayList<>(applicants("F", 1, 4));       // F001 wants D first
    students.addAll(applicants("S", 3, 1, 2, 3, 4, 5));                                  // D second: too late
    Lottery.Result result = Lottery.draw(9, 2, sections, students);
    Map<String, List<Long>> won = winners(result);
    assertEquals(List.of(4L), won.get("F001"));
    for (String s : List.of("S001", "S002", "S003")) {
      assertEquals(List.of(1L, 5L), won.get(s));
      List<String> outcomes = result.outcomes().stream().filter(o -> o.studentId().equals(s)).map(Lottery.Outcome::outcome).toList();
      assertEquals(List.of(Lottery.WON, Lottery.TIME_CONFLICT, Lottery.SAME_COURSE, Lottery.FULL, Lottery.WON), outcomes);
    }
    Lottery.Result limited = Lottery.draw(9, 1, sections, applicants("L", 1, 1, 5));
    assertEquals(Lottery.LIMIT, limited.outcomes().get(1).outcome());
  }

  @Test
  void aCancelledSectionFreesItsStudentsNextWishes() {
    // Section 1 needs 5 students but only 3 wish it first; they then get section 2, their second wish.
    List<Lottery.Section> sections = List.of(section(1, 10, "A", 1, 600, 720, List.of(), 5),
      section(2, 3, "B", 2, 600, 720, List.of(), 0));
    List<Lottery.Applicant> students = applicants("C", 3, 1, 2);
    Lottery.Result result = Lottery.draw(1, 1, sections, students);
    assertEquals(List.of(1L), result.cancelled());
    Map<String, List<Long>> won = winners(result);
    for (Lottery.Applicant a : students) assertEquals(List.of(2L), won.get(a.studentId()));
    assertTrue(result.outcomes().stream().filter(o -> o.sectionId() == 1).allMatch(o -> o.outcome().equals(Lottery.CANCELLED)));
  }
}
