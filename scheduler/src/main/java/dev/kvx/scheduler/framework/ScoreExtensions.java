package dev.kvx.scheduler.framework;

import java.util.List;

/** Normalizes a score plugin's node scores in place, once all nodes are scored. */
public interface ScoreExtensions {

  Status normalizeScore(CycleState state, PodInfo pod, List<NodeScore> scores);
}
