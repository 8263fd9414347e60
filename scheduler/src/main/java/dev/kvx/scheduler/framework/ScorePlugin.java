package dev.kvx.scheduler.framework;

/**
 * Ranks a node that passed the filters. After all nodes are scored, {@link #scoreExtensions()} (if
 * any) normalizes the scores to [0, {@link #MAX_NODE_SCORE}]; the framework then multiplies them by
 * the plugin's weight and sums over plugins.
 */
public interface ScorePlugin extends Plugin {
  long MAX_NODE_SCORE = 100;
  long MIN_NODE_SCORE = 0;

  /**
   * The node's raw score. Same threading rules as a filter.
   *
   * @throws RuntimeException on an internal error; the cycle fails with an Error status
   */
  long score(CycleState state, PodInfo pod, NodeInfo nodeInfo);

  /** Normalization of this plugin's scores, or null if the raw scores are already in range. */
  default ScoreExtensions scoreExtensions() {
    return null;
  }
}
