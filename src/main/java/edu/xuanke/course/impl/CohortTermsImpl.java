package edu.xuanke.course.impl;

import edu.xuanke.auth.CohortTerms;
import edu.xuanke.course.Catalog;
import edu.xuanke.course.LiveState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The course domain's answers to the accounts domain: term windows for logins, cohort changes for the live state. */
public final class CohortTermsImpl implements CohortTerms {

  private final Catalog catalog;
  private final LiveState live;

  public CohortTermsImpl(Catalog catalog, LiveState live) {
    this.catalog = catalog;
    this.live = live;
  }

  @Override
  public Future<Boolean> takesLogins(long termId) {
    Instant now = Instant.now();
    return Future.succeededFuture(catalog.term(termId).map(term -> term.liveAt(now)).orElse(false));
  }

  /** A term not loaded yet reads its cohort from the accounts when it is built. */
  @Override
  public Future<Void> cohortChanged(long termId, JsonObject members) {
    if (members.isEmpty()) return Future.succeededFuture();
    List<String> args = new ArrayList<>(1 + 2 * members.size());
    args.add(live.keys(termId).cohort());
    members.forEach(member -> {
      args.add(member.getKey());
      args.add(Boolean.TRUE.equals(member.getValue()) ? "1" : "0");
    });
    return live.redis().hset(args).<Void>mapEmpty();
  }

  @Override
  public Future<Void> cohortLeft(long termId, JsonArray studentIds) {
    if (studentIds.isEmpty()) return Future.succeededFuture();
    List<String> args = new ArrayList<>(1 + studentIds.size());
    args.add(live.keys(termId).cohort());
    studentIds.forEach(id -> args.add((String) id));
    return live.redis().hdel(args).<Void>mapEmpty();
  }
}
