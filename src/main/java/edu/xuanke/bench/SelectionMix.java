package edu.xuanke.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The load of a selection opening: selects of sections skewed to popular ones (Zipf) and, in
 * the stampede mix, 10 % drops and 5 % swaps of sections the student holds and 15 % seat reads.
 * Holdings are learnt from the answers, so drops and swaps are of held sections.
 */
final class SelectionMix implements LoadDriver.Workload {

  /**
   * Percentages of seat reads, drops and swaps; the rest are selects. With {@code toggle}, a
   * student who holds a section drops it ({@code drops} %) or swaps it ({@code swaps} %), and one who
   * holds none selects a section picked uniformly: most answers are then changes, not SECTION_FULL.
   */
  record Shares(int seats, int drops, int swaps, boolean toggle) {
  }

  static final Shares SELECTS_ONLY = new Shares(0, 0, 0, false);
  static final Shares STAMPEDE = new Shares(15, 10, 5, false);
  static final Shares WRITE_HEAVY = new Shares(0, 80, 20, true);

  private final List<String> tokens;
  private final List<Long> sections;
  private final double[] cumulative;
  private final String seatsUri;
  private final Map<Integer, Set<Long>> held = new ConcurrentHashMap<>();
  private volatile Shares shares = SELECTS_ONLY;

  SelectionMix(List<String> tokens, List<Long> sections, double skew, long termId) {
    this.tokens = tokens;
    this.sections = sections;
    this.seatsUri = "/api/seats?termId=" + termId;
    this.cumulative = new double[sections.size()];
    double total = 0;
    for (int rank = 0; rank < sections.size(); rank++) {
      total += 1.0 / Math.pow(rank + 1, skew);
      cumulative[rank] = total;
    }
    for (int i = 0; i < cumulative.length; i++) cumulative[i] /= total;
  }

  /** Switches the mix; what the students hold carries over from the phases before. */
  SelectionMix use(Shares next) {
    this.shares = next;
    return this;
  }

  @Override
  public LoadDriver.Request next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int student = random.nextInt(tokens.size());
    String token = tokens.get(student);
    int dice = random.nextInt(100);
    Set<Long> mine = held.get(student);
    Long some = mine == null || mine.isEmpty() ? null : mine.iterator().next();
    if (shares.toggle()) return toggle(random, student, token, some, dice);
    if (dice < shares.seats()) return new LoadDriver.Request(HttpMethod.GET, seatsUri, null, token, "seats", student);
    if (dice < shares.seats() + shares.drops() && some != null) {
      return new LoadDriver.Request(HttpMethod.DELETE, "/api/selections/" + some, null, token, "drop", new long[] {student, some});
    }
    long section = popularSection(random);
    if (dice < shares.seats() + shares.drops() + shares.swaps() && some != null) {
      return new LoadDriver.Request(HttpMethod.POST, "/api/selections/swap",
        Buffer.buffer("{\"from\":" + some + ",\"to\":" + section + "}"), token, "swap", new long[] {student, some, section});
    }
    return select(student, token, section);
  }

  private LoadDriver.Request toggle(ThreadLocalRandom random, int student, String token, Long held, int dice) {
    long section = sections.get(random.nextInt(sections.size()));
    if (held == null) return select(student, token, section);
    if (dice < shares.drops()) {
      return new LoadDriver.Request(HttpMethod.DELETE, "/api/selections/" + held, null, token, "drop", new long[] {student, held});
    }
    return new LoadDriver.Request(HttpMethod.POST, "/api/selections/swap",
      Buffer.buffer("{\"from\":" + held + ",\"to\":" + section + "}"), token, "swap", new long[] {student, held, section});
  }

  private static LoadDriver.Request select(int student, String token, long section) {
    return new LoadDriver.Request(HttpMethod.POST, "/api/selections",
      Buffer.buffer("{\"sectionId\":" + section + "}"), token, "select", new long[] {student, section});
  }

  @Override
  public void answered(LoadDriver.Request request, int status, Buffer body) {
    if (!(request.context() instanceof long[] ids)) return;
    int student = (int) ids[0];
    switch (request.op()) {
      case "select" -> {
        if (status == 201) held.computeIfAbsent(student, s -> ConcurrentHashMap.newKeySet()).add(ids[1]);
      }
      case "drop" -> {
        if (status == 204) held.computeIfAbsent(student, s -> ConcurrentHashMap.newKeySet()).remove(ids[1]);
      }
      case "swap" -> {
        if (status == 200) {
          Set<Long> mine = held.computeIfAbsent(student, s -> ConcurrentHashMap.newKeySet());
          mine.remove(ids[1]);
          mine.add(ids[2]);
        }
      }
      default -> { }
    }
  }

  private long popularSection(ThreadLocalRandom random) {
    double u = random.nextDouble();
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] < u) lo = mid + 1; else hi = mid;
    }
    return sections.get(lo);
  }
}
