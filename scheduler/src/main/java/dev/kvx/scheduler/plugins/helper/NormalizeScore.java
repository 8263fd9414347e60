package dev.kvx.scheduler.plugins.helper;

import dev.kvx.scheduler.framework.NodeScore;
import dev.kvx.scheduler.framework.Status;
import java.util.List;

/** Upstream's {@code helper.DefaultNormalizeScore}. */
public final class NormalizeScore {
  private NormalizeScore() {}

  /**
   * Scales the scores so the highest becomes {@code maxPriority}; with {@code reverse} the scale is
   * flipped (highest raw score → 0). All zero: all stay 0, or all become {@code maxPriority} when
   * reversed.
   */
  public static Status defaultNormalizeScore(
      long maxPriority, boolean reverse, List<NodeScore> scores) {
    long maxCount = 0;
    for (NodeScore s : scores) {
      maxCount = Math.max(maxCount, s.score());
    }
    if (maxCount == 0) {
      if (reverse) {
        for (NodeScore s : scores) {
          s.setScore(maxPriority);
        }
      }
      return Status.success();
    }
    for (NodeScore s : scores) {
      long score = maxPriority * s.score() / maxCount;
      s.setScore(reverse ? maxPriority - score : score);
    }
    return Status.success();
  }
}
