package dev.kvx.scheduler;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.Diagnosis;
import dev.kvx.scheduler.framework.FitError;
import dev.kvx.scheduler.framework.Framework;
import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a node for one pod (upstream's {@code schedulePod}): PreFilter, Filter over the nodes until
 * enough feasible ones are found (the pod's nominated node first), PreScore, Score, then the best
 * total score with ties broken at random.
 *
 * <p>Like upstream, large clusters are not searched exhaustively: with {@code
 * percentageOfNodesToScore} 0 the share is 50% − nodes/125 (at least 5%, at least 100 nodes), and
 * each search starts where the previous one stopped so that all nodes get their turn. Used by the
 * scheduling thread only.
 */
final class ScheduleAlgorithm {
  static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
  static final int MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
  static final String NO_NODES_AVAILABLE = "no nodes available to schedule pods";

  private final Snapshot snapshot;
  private final int percentageOfNodesToScore;
  private int nextStartNodeIndex;

  /** The chosen node, how many nodes were evaluated and how many of those fit. */
  record ScheduleResult(String suggestedHost, int evaluatedNodes, int feasibleNodes) {}

  /** A cycle that ended with an Error status (not a fit failure). */
  static final class SchedulingException extends Exception {
    private final transient Status status;

    SchedulingException(Status status) {
      super(status.message(), null, false, false);
      this.status = status;
    }

    Status status() {
      return status;
    }
  }

  ScheduleAlgorithm(Snapshot snapshot, int percentageOfNodesToScore) {
    this.snapshot = snapshot;
    this.percentageOfNodesToScore = percentageOfNodesToScore;
  }

  /**
   * @throws FitError no node fits (the snapshot being empty gives the upstream "no nodes available"
   *     message as a SchedulingException of code UnschedulableAndUnresolvable)
   */
  ScheduleResult schedulePod(Framework fw, CycleState state, PodInfo pod)
      throws FitError, SchedulingException {
    if (snapshot.numNodes() == 0) {
      throw new SchedulingException(Status.unschedulableAndUnresolvable(NO_NODES_AVAILABLE));
    }
    Diagnosis diagnosis = new Diagnosis();
    List<NodeInfo> feasible = findNodesThatFitPod(fw, state, pod, diagnosis);
    if (feasible.isEmpty()) {
      throw new FitError(pod, snapshot.numNodes(), diagnosis);
    }
    int evaluated = feasible.size() + diagnosis.nodeToStatus().size();
    if (feasible.size() == 1) {
      return new ScheduleResult(feasible.get(0).name(), evaluated, 1);
    }
    long[] scores = prioritizeNodes(fw, state, pod, feasible);
    return new ScheduleResult(selectHost(feasible, scores), evaluated, feasible.size());
  }

  List<NodeInfo> findNodesThatFitPod(
      Framework fw, CycleState state, PodInfo pod, Diagnosis diagnosis) throws SchedulingException {
    List<NodeInfo> allNodes = snapshot.list();
    Status s = fw.runPreFilterPlugins(state, pod, allNodes);
    if (!s.isSuccess()) {
      if (!s.isRejected()) {
        throw new SchedulingException(s);
      }
      // The rejection holds for every node.
      diagnosis.nodeToStatus().setAbsentNodesStatus(s);
      diagnosis.setPreFilterMsg(s.message());
      if (s.plugin() != null) {
        diagnosis.unschedulablePlugins().add(s.plugin());
      }
      return List.of();
    }
    var status = pod.pod().getStatus();
    String nominated = status == null ? null : status.getNominatedNodeName();
    if (nominated != null && !nominated.isEmpty()) {
      NodeInfo n = snapshot.get(nominated);
      if (n != null && fw.runFilterPluginsWithNominatedPods(state, pod, n).isSuccess()) {
        return List.of(n);
      }
    }
    return findNodesThatPassFilters(fw, state, pod, diagnosis, allNodes);
  }

  private List<NodeInfo> findNodesThatPassFilters(
      Framework fw, CycleState state, PodInfo pod, Diagnosis diagnosis, List<NodeInfo> nodes)
      throws SchedulingException {
    int numAllNodes = nodes.size();
    int numNodesToFind = numFeasibleNodesToFind(numAllNodes);
    List<NodeInfo> feasible = new ArrayList<>(Math.min(numNodesToFind, numAllNodes));
    int processed = 0;
    for (int i = 0; i < numAllNodes && feasible.size() < numNodesToFind; i++) {
      NodeInfo n = nodes.get((nextStartNodeIndex + i) % numAllNodes);
      processed++;
      if (!fw.hasFilterPlugins()) {
        feasible.add(n);
        continue;
      }
      Status s = fw.runFilterPluginsWithNominatedPods(state, pod, n);
      if (s.isSuccess()) {
        feasible.add(n);
      } else if (s.isRejected()) {
        diagnosis.nodeToStatus().set(n.name(), s);
        if (s.plugin() != null) {
          diagnosis.unschedulablePlugins().add(s.plugin());
        }
      } else {
        throw new SchedulingException(s);
      }
    }
    nextStartNodeIndex = (nextStartNodeIndex + processed) % numAllNodes;
    return feasible;
  }

  /** Upstream's numFeasibleNodesToFind. */
  int numFeasibleNodesToFind(int numAllNodes) {
    if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) {
      return numAllNodes;
    }
    int percentage = percentageOfNodesToScore;
    if (percentage <= 0) {
      percentage = Math.max(50 - numAllNodes / 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    }
    if (percentage >= 100) {
      return numAllNodes;
    }
    int numNodes = numAllNodes * percentage / 100;
    return Math.max(numNodes, MIN_FEASIBLE_NODES_TO_FIND);
  }

  private long[] prioritizeNodes(Framework fw, CycleState state, PodInfo pod, List<NodeInfo> nodes)
      throws SchedulingException {
    if (!fw.hasScorePlugins()) {
      long[] ones = new long[nodes.size()];
      java.util.Arrays.fill(ones, 1);
      return ones;
    }
    Status s = fw.runPreScorePlugins(state, pod, nodes);
    if (!s.isSuccess()) {
      throw new SchedulingException(s);
    }
    try {
      return fw.runScorePlugins(state, pod, nodes);
    } catch (Framework.ScoreException e) {
      throw new SchedulingException(e.status());
    }
  }

  /** The highest total, a uniformly random one among equals (reservoir sampling, as upstream). */
  static String selectHost(List<NodeInfo> nodes, long[] scores) {
    int best = 0;
    int ties = 1;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
        ties = 1;
      } else if (scores[i] == scores[best]) {
        ties++;
        if (random.nextInt(ties) == 0) {
          best = i;
        }
      }
    }
    return nodes.get(best).name();
  }
}
