package dev.kvx.scheduler.framework;

import java.util.List;

/**
 * Runs once per cycle before scoring, with the nodes that passed the filters, to precompute what
 * {@link ScorePlugin#score} needs. Returning {@link Status#skip()} skips this plugin's score.
 */
public interface PreScorePlugin extends Plugin {

  Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes);
}
