package dev.kvx.scheduler.plugins.podtopologyspread;

import dev.kvx.scheduler.framework.ClusterEvent;
import dev.kvx.scheduler.framework.ClusterEvent.ActionType;
import dev.kvx.scheduler.framework.ClusterEvent.ResourceKind;
import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.EnqueueExtensions;
import dev.kvx.scheduler.framework.FilterPlugin;
import dev.kvx.scheduler.framework.Handle;
import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.NodeScore;
import dev.kvx.scheduler.framework.Plugin;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.PreFilterExtensions;
import dev.kvx.scheduler.framework.PreFilterPlugin;
import dev.kvx.scheduler.framework.PreScorePlugin;
import dev.kvx.scheduler.framework.ScoreExtensions;
import dev.kvx.scheduler.framework.ScorePlugin;
import dev.kvx.scheduler.framework.Selector;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.plugins.helper.RequiredNodeAffinity;
import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PodTopologySpread: {@code whenUnsatisfiable: DoNotSchedule} constraints filter (placing the pod
 * must keep matching pods in the node's domain within maxSkew of the least-loaded domain, counting
 * the global minimum as 0 while fewer than minDomains domains exist); {@code ScheduleAnyway}
 * constraints score (fewer matching pods in the domain is better).
 *
 * <p>Upstream's cluster-level default constraints (spreading pods of a Service or ReplicaSet
 * without explicit constraints) are not applied: pods without constraints skip this plugin.
 */
public final class PodTopologySpread
    implements PreFilterPlugin,
        PreFilterExtensions,
        FilterPlugin,
        PreScorePlugin,
        ScorePlugin,
        ScoreExtensions,
        EnqueueExtensions {
  public static final String NAME = "PodTopologySpread";
  public static final String ERR_REASON_CONSTRAINTS_NOT_MATCH =
      "node(s) didn't match pod topology spread constraints";
  public static final String ERR_REASON_NODE_LABEL_NOT_MATCH =
      ERR_REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)";
  static final String HOSTNAME = "kubernetes.io/hostname";
  private static final String PRE_FILTER_STATE_KEY = "PreFilter" + NAME;
  private static final String PRE_SCORE_STATE_KEY = "PreScore" + NAME;

  private final Handle handle;

  private PodTopologySpread(Handle handle) {
    this.handle = handle;
  }

  public static Plugin create(Handle handle) {
    return new PodTopologySpread(handle);
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Matching pods per domain of each DoNotSchedule constraint, and per constraint the two domains
   * with the fewest (upstream's critical paths: enough because preemption changes one node).
   */
  static final class PreFilterState implements CycleState.StateData {
    final List<SpreadConstraint> constraints;
    final List<Map<String, Integer>> tpValueToMatchNum;
    final CriticalPaths[] criticalPaths;

    PreFilterState(
        List<SpreadConstraint> constraints,
        List<Map<String, Integer>> counts,
        CriticalPaths[] paths) {
      this.constraints = constraints;
      this.tpValueToMatchNum = counts;
      this.criticalPaths = paths;
    }

    int minMatchNum(int i, int minDomains) {
      if (tpValueToMatchNum.get(i).size() < minDomains) {
        return 0; // too few domains: the missing ones count as empty
      }
      return criticalPaths[i].min();
    }

    @Override
    public PreFilterState copy() {
      List<Map<String, Integer>> counts = new ArrayList<>(tpValueToMatchNum.size());
      for (Map<String, Integer> m : tpValueToMatchNum) {
        counts.add(new HashMap<>(m));
      }
      CriticalPaths[] paths = new CriticalPaths[criticalPaths.length];
      for (int i = 0; i < paths.length; i++) {
        paths[i] = criticalPaths[i].copy();
      }
      return new PreFilterState(constraints, counts, paths);
    }
  }

  /** The two domains with the fewest matching pods; [0] always holds the minimum. */
  static final class CriticalPaths {
    final String[] value = new String[2];
    final int[] matchNum = {Integer.MAX_VALUE, Integer.MAX_VALUE};

    int min() {
      return matchNum[0];
    }

    void update(String tpVal, int num) {
      int i = tpVal.equals(value[0]) ? 0 : tpVal.equals(value[1]) ? 1 : -1;
      if (i >= 0) {
        matchNum[i] = num;
        if (matchNum[0] > matchNum[1]) {
          swap();
        }
      } else if (num < matchNum[0]) {
        value[1] = value[0];
        matchNum[1] = matchNum[0];
        value[0] = tpVal;
        matchNum[0] = num;
      } else if (num < matchNum[1]) {
        value[1] = tpVal;
        matchNum[1] = num;
      }
    }

    private void swap() {
      String v = value[0];
      value[0] = value[1];
      value[1] = v;
      int n = matchNum[0];
      matchNum[0] = matchNum[1];
      matchNum[1] = n;
    }

    CriticalPaths copy() {
      CriticalPaths c = new CriticalPaths();
      c.value[0] = value[0];
      c.value[1] = value[1];
      c.matchNum[0] = matchNum[0];
      c.matchNum[1] = matchNum[1];
      return c;
    }
  }

  @Override
  public Status preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    List<SpreadConstraint> constraints = SpreadConstraint.of(pod.pod(), "DoNotSchedule");
    if (constraints.isEmpty()) {
      return Status.skip();
    }
    List<Map<String, Integer>> counts = new ArrayList<>(constraints.size());
    for (int i = 0; i < constraints.size(); i++) {
      counts.add(new HashMap<>());
    }
    RequiredNodeAffinity required = RequiredNodeAffinity.of(pod.pod());
    for (NodeInfo n : nodes) {
      Node node = n.node();
      if (!SpreadConstraint.nodeLabelsMatchSpreadConstraints(n.labels(), constraints)) {
        continue;
      }
      for (int i = 0; i < constraints.size(); i++) {
        SpreadConstraint c = constraints.get(i);
        if (!c.matchNodeInclusionPolicies(pod.pod(), node, required)) {
          continue;
        }
        int count = countPodsMatchSelector(n, c, pod.namespace());
        counts.get(i).merge(n.labels().get(c.topologyKey()), count, Integer::sum);
      }
    }
    CriticalPaths[] paths = new CriticalPaths[constraints.size()];
    for (int i = 0; i < paths.length; i++) {
      paths[i] = new CriticalPaths();
      for (Map.Entry<String, Integer> e : counts.get(i).entrySet()) {
        paths[i].update(e.getKey(), e.getValue());
      }
    }
    state.write(PRE_FILTER_STATE_KEY, new PreFilterState(constraints, counts, paths));
    return Status.success();
  }

  @Override
  public PreFilterExtensions preFilterExtensions() {
    return this;
  }

  @Override
  public Status addPod(
      CycleState state, PodInfo podToSchedule, PodInfo podToAdd, NodeInfo nodeInfo) {
    updateWithPod(
        state.read(PRE_FILTER_STATE_KEY, PreFilterState.class),
        podToAdd,
        podToSchedule,
        nodeInfo.node(),
        1);
    return Status.success();
  }

  @Override
  public Status removePod(
      CycleState state, PodInfo podToSchedule, PodInfo podToRemove, NodeInfo nodeInfo) {
    updateWithPod(
        state.read(PRE_FILTER_STATE_KEY, PreFilterState.class),
        podToRemove,
        podToSchedule,
        nodeInfo.node(),
        -1);
    return Status.success();
  }

  private static void updateWithPod(
      PreFilterState s, PodInfo updated, PodInfo preemptor, Node node, int delta) {
    if (node == null || !updated.namespace().equals(preemptor.namespace())) {
      return;
    }
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    if (!SpreadConstraint.nodeLabelsMatchSpreadConstraints(labels, s.constraints)) {
      return;
    }
    RequiredNodeAffinity required = RequiredNodeAffinity.of(preemptor.pod());
    for (int i = 0; i < s.constraints.size(); i++) {
      SpreadConstraint c = s.constraints.get(i);
      if (!c.selector().matches(updated.pod().getMetadata().getLabels())
          || !c.matchNodeInclusionPolicies(preemptor.pod(), node, required)) {
        continue;
      }
      String v = labels.get(c.topologyKey());
      int n = s.tpValueToMatchNum.get(i).merge(v, delta, Integer::sum);
      s.criticalPaths[i].update(v, n);
    }
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    PreFilterState s = state.read(PRE_FILTER_STATE_KEY, PreFilterState.class);
    Map<String, String> labels = nodeInfo.labels();
    Map<String, String> podLabels = pod.pod().getMetadata().getLabels();
    for (int i = 0; i < s.constraints.size(); i++) {
      SpreadConstraint c = s.constraints.get(i);
      String tpVal = labels.get(c.topologyKey());
      if (tpVal == null) {
        return Status.unschedulableAndUnresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
      }
      int minMatchNum = s.minMatchNum(i, c.minDomains());
      int selfMatchNum = c.selector().matches(podLabels) ? 1 : 0;
      int matchNum = s.tpValueToMatchNum.get(i).getOrDefault(tpVal, 0);
      if (matchNum + selfMatchNum - minMatchNum > c.maxSkew()) {
        return Status.unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
      }
    }
    return Status.success();
  }

  /** Matching pods per domain of each ScheduleAnyway constraint, and the domain weights. */
  static final class PreScoreState implements CycleState.StateData {
    final List<SpreadConstraint> constraints;
    final Set<String> ignoredNodes = new HashSet<>();
    final List<Map<String, long[]>> topologyValueToPodCounts = new ArrayList<>();
    double[] topologyNormalizingWeight;

    PreScoreState(List<SpreadConstraint> constraints) {
      this.constraints = constraints;
    }

    @Override
    public PreScoreState copy() {
      return this; // read-only after PreScore
    }
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes) {
    List<NodeInfo> allNodes = handle.snapshot().list();
    if (allNodes.isEmpty()) {
      return Status.skip();
    }
    List<SpreadConstraint> constraints = SpreadConstraint.of(pod.pod(), "ScheduleAnyway");
    if (constraints.isEmpty()) {
      return Status.skip();
    }
    PreScoreState s = new PreScoreState(constraints);
    int[] topoSize = new int[constraints.size()];
    for (int i = 0; i < constraints.size(); i++) {
      s.topologyValueToPodCounts.add(new HashMap<>());
    }
    for (NodeInfo n : feasibleNodes) {
      if (!SpreadConstraint.nodeLabelsMatchSpreadConstraints(n.labels(), constraints)) {
        s.ignoredNodes.add(n.name());
        continue;
      }
      for (int i = 0; i < constraints.size(); i++) {
        SpreadConstraint c = constraints.get(i);
        if (HOSTNAME.equals(c.topologyKey())) {
          continue; // counted per node during Score
        }
        if (s.topologyValueToPodCounts
                .get(i)
                .putIfAbsent(n.labels().get(c.topologyKey()), new long[1])
            == null) {
          topoSize[i]++;
        }
      }
    }
    s.topologyNormalizingWeight = new double[constraints.size()];
    for (int i = 0; i < constraints.size(); i++) {
      int size =
          HOSTNAME.equals(constraints.get(i).topologyKey())
              ? feasibleNodes.size() - s.ignoredNodes.size()
              : topoSize[i];
      s.topologyNormalizingWeight[i] = Math.log(size + 2);
    }
    RequiredNodeAffinity required = RequiredNodeAffinity.of(pod.pod());
    for (NodeInfo n : allNodes) {
      if (!SpreadConstraint.nodeLabelsMatchSpreadConstraints(n.labels(), constraints)) {
        continue;
      }
      for (int i = 0; i < constraints.size(); i++) {
        SpreadConstraint c = constraints.get(i);
        if (!c.matchNodeInclusionPolicies(pod.pod(), n.node(), required)) {
          continue;
        }
        long[] count = s.topologyValueToPodCounts.get(i).get(n.labels().get(c.topologyKey()));
        if (count != null) {
          count[0] += countPodsMatchSelector(n, c, pod.namespace());
        }
      }
    }
    state.write(PRE_SCORE_STATE_KEY, s);
    return Status.success();
  }

  /**
   * Weighted matching-pod counts of the node's domains (fewer is better; reversed by normalize).
   */
  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    PreScoreState s = state.read(PRE_SCORE_STATE_KEY, PreScoreState.class);
    if (s.ignoredNodes.contains(nodeInfo.name())) {
      return 0;
    }
    double score = 0;
    Map<String, String> labels = nodeInfo.labels();
    for (int i = 0; i < s.constraints.size(); i++) {
      SpreadConstraint c = s.constraints.get(i);
      String tpVal = labels.get(c.topologyKey());
      if (tpVal == null) {
        continue;
      }
      long cnt;
      if (HOSTNAME.equals(c.topologyKey())) {
        cnt = countPodsMatchSelector(nodeInfo, c, pod.namespace());
      } else {
        long[] counted = s.topologyValueToPodCounts.get(i).get(tpVal);
        cnt = counted == null ? 0 : counted[0];
      }
      score += cnt * s.topologyNormalizingWeight[i] + (c.maxSkew() - 1);
    }
    return Math.round(score);
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  @Override
  public Status normalizeScore(CycleState state, PodInfo pod, List<NodeScore> scores) {
    PreScoreState s = state.read(PRE_SCORE_STATE_KEY, PreScoreState.class);
    long minScore = Long.MAX_VALUE;
    long maxScore = 0;
    for (NodeScore ns : scores) {
      if (s.ignoredNodes.contains(ns.name())) {
        continue;
      }
      minScore = Math.min(minScore, ns.score());
      maxScore = Math.max(maxScore, ns.score());
    }
    for (NodeScore ns : scores) {
      if (s.ignoredNodes.contains(ns.name())) {
        ns.setScore(0);
      } else if (maxScore == 0) {
        ns.setScore(MAX_NODE_SCORE);
      } else {
        ns.setScore(MAX_NODE_SCORE * (maxScore + minScore - ns.score()) / maxScore);
      }
    }
    return Status.success();
  }

  /**
   * Pods of {@code nodeInfo} in {@code namespace} matching the constraint's selector, not counting
   * terminating ones. A one-label selector is answered from the node's label index (this runs for
   * every node of every cycle); others scan the pods.
   */
  static int countPodsMatchSelector(NodeInfo nodeInfo, SpreadConstraint c, String namespace) {
    if (c.labelIndexKey() != null) {
      return nodeInfo.countPodsWithLabel(c.labelIndexKey());
    }
    return countPodsMatchSelector(nodeInfo.pods(), c.selector(), namespace);
  }

  /** Pods in {@code namespace} matching {@code selector}, not counting terminating ones. */
  static int countPodsMatchSelector(List<PodInfo> pods, Selector selector, String namespace) {
    if (selector.matchesNothing()) {
      return 0;
    }
    int count = 0;
    for (PodInfo p : pods) {
      if (p.terminating() || !namespace.equals(p.namespace())) {
        continue;
      }
      if (selector.matches(p.pod().getMetadata().getLabels())) {
        count++;
      }
    }
    return count;
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(
        ClusterEvent.register(
            ResourceKind.ASSIGNED_POD,
            ActionType.ADD,
            ActionType.DELETE,
            ActionType.UPDATE_POD_LABEL),
        ClusterEvent.register(
            ResourceKind.NODE,
            ActionType.ADD,
            ActionType.DELETE,
            ActionType.UPDATE_NODE_LABEL,
            ActionType.UPDATE_NODE_TAINT));
  }
}
