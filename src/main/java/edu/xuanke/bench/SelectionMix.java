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

  /** Percentages of seat reads, drops and swaps; the rest are selects. */
  record Shares(int seats, int drops, int swaps) {
  }

  static final Shares SELECTS_ONLY = new Shares(0, 0, 0);
  static final Shares STAMPEDE = new Shares(15, 10, 5);

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
    if (dice < shares.seats()) return new LoadDriver.Request(HttpMethod.GET, seatsUri, null, token, "seats", student);
    if (dice < shares.seats() + shares.drops() && some != null) {
      return new LoadDriver.Request(HttpMethod.DELETE, "/api/selections/" + some, null, token, "drop", new long[] {student, some});
    }
    long section = popularSection(random);
    if (dice < shares.seats() + shares.drops() + shares.swaps() && some != null) {
      return new LoadDriver.Request(HttpMethod.POST, "/api/selections/swap",
        Buffer.buffer("{\"from\":" + some + ",\"to\":" + section + "}"), token, "swap", new long[] {student, some, section});
    }
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
