package edu.xuanke.round;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The pre-selection lottery, version {@value #VERSION}: a pure function of its inputs and seed, so
 * the office can run it again and get the same results, and each outcome can be explained.
 *
 * <ol>
 *   <li>Each section orders everyone who wished for it (at any rank): first by priority group (the
 *   first of the section's rules the student matches; no match comes last), then by a uniformly
 *   random order from a generator seeded with (seed, section id) over the applicants sorted by
 *   student id. A student's place in that order is their draw number (抽签序号) out of its applicants.</li>
 *   <li>Wishes are handled rank by rank, so everyone's first wish is tried before anyone's second;
 *   within a rank each section takes its applicants in draw order while seats last. A wish is refused
 *   when the student already won the maximum, a section of the same course, or an overlapping one.</li>
 *   <li>A section left below its minimum size is cancelled and everything is drawn again without
 *   it, so its students' next wishes are tried; until no section is cancelled.</li>
 * </ol>
 */
public final class Lottery {

  public static final int VERSION = 1;

  /** Outcomes of a wish. */
  public static final String WON = "WON";
  public static final String FULL = "SECTION_FULL";
  public static final String CANCELLED = "CANCELLED";
  public static final String TIME_CONFLICT = "TIME_CONFLICT";
  public static final String SAME_COURSE = "COURSE_ALREADY_TAKEN";
  public static final String LIMIT = "LIMIT_REACHED";
  public static final String RESTRICTED = "RESTRICTED";
  public static final String UNKNOWN_SECTION = "SECTION_NOT_FOUND";

  /**
   * A section as the lottery sees it: free seats, course, weekly slot (minutes of the day), the
   * period's dates (epoch days), who may take it (student-id prefixes; empty: everyone), priority
   * rules ("prefix:2022", "major:…") and minimum size (0: none).
   */
  public record Section(long id, int seats, String course, int weekday, int startMin, int endMin, long periodStart,
                        long periodEnd, List<String> allowedPrefixes, List<String> priorityRules, int minimumSize) {

    public boolean overlaps(Section o) {
      return weekday == o.weekday && periodStart <= o.periodEnd && o.periodStart <= periodEnd
        && startMin < o.endMin && o.startMin < endMin;
    }

    boolean admits(String studentId) {
      return allowedPrefixes.isEmpty() || allowedPrefixes.stream().anyMatch(studentId::startsWith);
    }

    int group(Applicant a) {
      for (int i = 0; i < priorityRules.size(); i++) {
        String rule = priorityRules.get(i);
        if (rule.startsWith("prefix:") && a.studentId().startsWith(rule.substring(7))) return i;
        if (rule.startsWith("major:") && rule.substring(6).equals(a.major())) return i;
      }
      return priorityRules.size();
    }
  }

  /** A student's wishes, first first. */
  public record Applicant(String studentId, String major, long[] wishes) {
  }

  /** One wish's outcome; drawNumber 0 when the student was not in the section's draw (restricted, unknown). */
  public record Outcome(String studentId, int rank, long sectionId, String outcome, int drawNumber, int applicants,
                        int priority) {
  }

  public record Result(List<Outcome> outcomes, List<Long> cancelled, String inputsDigest) {
  }

  private final int maxPerStudent;
  private final List<Section> sections;
  private final List<Applicant> applicants;
  private final Map<Long, Integer> sectionIndex = new HashMap<>();
  /** Per section, the applicants (indexes) in draw order. */
  private final int[][] order;
  /** Per applicant and rank: draw number (1-based) and priority group in that section. */
  private final int[][] draw;
  private final int[][] group;

  private Lottery(long seed, int maxPerStudent, List<Section> sections, List<Applicant> applicants) {
    this.maxPerStudent = maxPerStudent;
    this.sections = sections.stream().sorted(Comparator.comparingLong(Section::id)).toList();
    this.applicants = applicants.stream().sorted(Comparator.comparing(Applicant::studentId)).toList();
    for (int s = 0; s < this.sections.size(); s++) sectionIndex.put(this.sections.get(s).id(), s);
    this.order = new int[this.sections.size()][];
    this.draw = new int[this.applicants.size()][];
    this.group = new int[this.applicants.size()][];
    drawOrders(seed);
  }

  /** Runs the lottery. */
  public static Result draw(long seed, int maxPerStudent, List<Section> sections, List<Applicant> applicants) {
    Lottery lottery = new Lottery(seed, maxPerStudent, sections, applicants);
    boolean[] cancelled = new boolean[lottery.sections.size()];
    String[][] outcomes;
    while (true) {
      outcomes = lottery.allocate(cancelled);
      boolean more = false;
      int[] winners = new int[cancelled.length];
      for (int a = 0; a < outcomes.length; a++) {
        for (int r = 0; r < outcomes[a].length; r++) {
          if (WON.equals(outcomes[a][r])) winners[lottery.sectionIndex.get(lottery.applicants.get(a).wishes()[r])]++;
        }
      }
      for (int s = 0; s < cancelled.length; s++) {
        if (!cancelled[s] && winners[s] < lottery.sections.get(s).minimumSize()) {
          cancelled[s] = true;
          more = true;
        }
      }
      if (!more) break;
    }
    List<Long> cancelledIds = new ArrayList<>();
    for (int s = 0; s < cancelled.length; s++) if (cancelled[s]) cancelledIds.add(lottery.sections.get(s).id());
    return new Result(lottery.outcomes(outcomes), cancelledIds, lottery.digest(seed));
  }

  private void drawOrders(long seed) {
    List<List<Integer>> wishedBy = new ArrayList<>();
    for (int s = 0; s < sections.size(); s++) wishedBy.add(new ArrayList<>());
    for (int a = 0; a < applicants.size(); a++) {
      long[] wishes = applicants.get(a).wishes();
      draw[a] = new int[wishes.length];
      group[a] = new int[wishes.length];
      for (long sectionId : wishes) {
        Integer s = sectionIndex.get(sectionId);
        if (s != null && sections.get(s).admits(applicants.get(a).studentId())) wishedBy.get(s).add(a);
      }
    }
    for (int s = 0; s < sections.size(); s++) {
      Section section = sections.get(s);
      int[] shuffled = wishedBy.get(s).stream().mapToInt(Integer::intValue).toArray();
      SplittableRandom random = new SplittableRandom(mix(seed, section.id()));
      for (int i = shuffled.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = shuffled[i];
        shuffled[i] = shuffled[j];
        shuffled[j] = t;
      }
      int[] groups = new int[shuffled.length];
      for (int i = 0; i < shuffled.length; i++) groups[i] = section.group(applicants.get(shuffled[i]));
      // Stable by group: the random order stays as it is within each group.
      Integer[] positions = new Integer[shuffled.length];
      for (int i = 0; i < positions.length; i++) positions[i] = i;
      Arrays.sort(positions, Comparator.comparingInt(i -> groups[i]));
      order[s] = new int[shuffled.length];
      for (int p = 0; p < positions.length; p++) {
        int a = shuffled[positions[p]];
        order[s][p] = a;
        long[] wishes = applicants.get(a).wishes();
        for (int r = 0; r < wishes.length; r++) {
          if (wishes[r] == section.id()) {
            draw[a][r] = p + 1;
            group[a][r] = groups[positions[p]];
          }
        }
      }
    }
  }

  /** One pass: every wish's outcome, rank by rank, without the cancelled sections. */
  private String[][] allocate(boolean[] cancelled) {
    String[][] outcomes = new String[applicants.size()][];
    List<List<Integer>> won = new ArrayList<>();
    for (int a = 0; a < applicants.size(); a++) {
      Applicant applicant = applicants.get(a);
      outcomes[a] = new String[applicant.wishes().length];
      for (int r = 0; r < applicant.wishes().length; r++) {
        Integer s = sectionIndex.get(applicant.wishes()[r]);
        if (s == null) outcomes[a][r] = UNKNOWN_SECTION;
        else if (cancelled[s]) outcomes[a][r] = CANCELLED;
        else if (!sections.get(s).admits(applicant.studentId())) outcomes[a][r] = RESTRICTED;
      }
      won.add(new ArrayList<>(2));
    }
    int[] seats = sections.stream().mapToInt(Section::seats).toArray();
    int ranks = applicants.stream().mapToInt(a -> a.wishes().length).max().orElse(0);
    for (int r = 0; r < ranks; r++) {
      for (int s = 0; s < sections.size(); s++) {
        if (cancelled[s]) continue;
        Section section = sections.get(s);
        for (int a : order[s]) {
          long[] wishes = applicants.get(a).wishes();
          if (r >= wishes.length || wishes[r] != section.id()) continue;
          String outcome = refusal(won.get(a), section);
          if (outcome == null && seats[s] <= 0) outcome = FULL;
          if (outcome == null) {
            seats[s]--;
            won.get(a).add(s);
            outcome = WON;
          }
          outcomes[a][r] = outcome;
        }
      }
    }
    return outcomes;
  }

  private String refusal(List<Integer> won, Section wished) {
    if (won.size() >= maxPerStudent) return LIMIT;
    for (int s : won) if (sections.get(s).course().equals(wished.course())) return SAME_COURSE;
    for (int s : won) if (sections.get(s).overlaps(wished)) return TIME_CONFLICT;
    return null;
  }

  private List<Outcome> outcomes(String[][] outcomes) {
    List<Outcome> out = new ArrayList<>();
    for (int a = 0; a < applicants.size(); a++) {
      Applicant applicant = applicants.get(a);
      for (int r = 0; r < applicant.wishes().length; r++) {
        Integer s = sectionIndex.get(applicant.wishes()[r]);
        out.add(new Outcome(applicant.studentId(), r + 1, applicant.wishes()[r], outcomes[a][r], draw[a][r],
          s == null ? 0 : order[s].length, group[a][r]));
      }
    }
    return out;
  }

  /** SHA-256 of everything the result depends on, so a re-run can show it ran on the same inputs. */
  private String digest(long seed) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      StringBuilder text = new StringBuilder().append("v").append(VERSION).append(" seed ").append(seed)
        .append(" max ").append(maxPerStudent).append('\n');
      for (Section s : sections) {
        text.append(s.id()).append('|').append(s.seats()).append('|').append(s.course()).append('|').append(s.weekday())
          .append('|').append(s.startMin()).append('|').append(s.endMin()).append('|').append(s.periodStart())
          .append('|').append(s.periodEnd()).append('|').append(new TreeSet<>(s.allowedPrefixes()))
          .append('|').append(s.priorityRules()).append('|').append(s.minimumSize()).append('\n');
      }
      sha.update(text.toString().getBytes(StandardCharsets.UTF_8));
      for (Applicant a : applicants) {
        sha.update((a.studentId() + '|' + a.major() + '|' + Arrays.toString(a.wishes()) + '\n').getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The seed of one section's random order: SplitMix64's finaliser over (seed, section). */
  private static long mix(long seed, long sectionId) {
    long z = seed * 0x9E3779B97F4A7C15L + sectionId;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
