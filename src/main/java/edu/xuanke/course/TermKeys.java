package edu.xuanke.course;

import edu.xuanke.core.SessionKeys;

import java.util.List;

/**
 * Names of one term's Redis keys. All carry the hash tag {t<termId>} so that a script may touch
 * them together on Redis Cluster. The order of {@link #scriptKeys} is the KEYS layout that
 * lua/lib.lua documents.
 */
public final class TermKeys {

  /** How many keys every script gets before its sections' rosters and waitlists (lua/lib.lua). */
  public static final int COMMON_KEYS = 10;

  private final long termId;
  private final String prefix;
  private final List<String> common;

  public TermKeys(long termId) {
    this.termId = termId;
    this.prefix = "xk:{t" + termId + "}:";
    this.common = List.of(term(), cohort(), sections(), seats(), holds(), waits(), waitlistLengths(),
      events(), waitlistSeq(), sessions());
  }

  public long termId() { return termId; }
  public String term() { return prefix + "term"; }
  public String cohort() { return prefix + "cohort"; }
  public String sections() { return prefix + "sec"; }
  public String seats() { return prefix + "seats"; }
  public String holds() { return prefix + "holds"; }
  public String waits() { return prefix + "waits"; }
  public String waitlistLengths() { return prefix + "wlen"; }
  public String events() { return prefix + "events"; }
  public String waitlistSeq() { return prefix + "wlseq"; }
  public String sessions() { return SessionKeys.forTerm(termId); }
  public String roster(long sectionId) { return prefix + "roster:" + sectionId; }
  public String waitlist(long sectionId) { return prefix + "wl:" + sectionId; }
  /** Hash: refusal code -> count, for the admin dashboard. */
  public String refusals() { return prefix + "refusals"; }
  public String rebuildLock() { return prefix + "rebuild-lock"; }
  /** Pattern matching every key of the term. */
  public String pattern() { return "xk:{t" + termId + "}:*"; }

  /** KEYS for a script acting on one section. */
  public List<String> scriptKeys(long sectionId) {
    String[] keys = common.toArray(new String[common.size() + 2]);
    keys[common.size()] = roster(sectionId);
    keys[common.size() + 1] = waitlist(sectionId);
    return List.of(keys);
  }

  /** KEYS for a script acting on several sections: roster and waitlist of each, in order. */
  public List<String> scriptKeys(List<Long> sectionIds) {
    List<String> keys = new java.util.ArrayList<>(common.size() + 2 * sectionIds.size());
    keys.addAll(common);
    for (long id : sectionIds) {
      keys.add(roster(id));
      keys.add(waitlist(id));
    }
    return keys;
  }

  /** KEYS for a script acting on two sections (swap: from, then to). */
  public List<String> scriptKeys(long fromSectionId, long toSectionId) {
    String[] keys = common.toArray(new String[common.size() + 4]);
    keys[common.size()] = roster(fromSectionId);
    keys[common.size() + 1] = waitlist(fromSectionId);
    keys[common.size() + 2] = roster(toSectionId);
    keys[common.size() + 3] = waitlist(toSectionId);
    return List.of(keys);
  }
}
