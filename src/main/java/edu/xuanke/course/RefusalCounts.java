package edu.xuanke.course;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts refused selections by code for the admin dashboard. Counting is in memory, so the
 * selection route pays no Redis call for it; {@link #flush} adds the counts to the term's
 * refusals hash (TermKeys#refusals) about once a second, where every instance's counts meet.
 */
public final class RefusalCounts {

  private final Map<Long, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

  public void count(long termId, String code) {
    counts.computeIfAbsent(termId, t -> new ConcurrentHashMap<>()).computeIfAbsent(code, c -> new LongAdder()).increment();
  }

  public Future<Void> flush(RedisAPI redis) {
    List<Future<?>> writes = new ArrayList<>();
    counts.forEach((termId, byCode) -> byCode.forEach((code, adder) -> {
      long n = adder.sumThenReset();
      if (n > 0) writes.add(redis.hincrby(new TermKeys(termId).refusals(), code, Long.toString(n)));
    }));
    return Future.join(writes).mapEmpty();
  }
}
