package dev.kvx.scheduler.plugins.interpodaffinity;

import dev.kvx.scheduler.framework.AffinityTerm;
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
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.framework.WeightedAffinityTerm;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * InterPodAffinity: required pod affinity (a pod matching every term must run in the node's domain,
 * unless no pod matches anywhere and the pod matches its own terms), required anti-affinity (no
 * matching pod in the domain), and existing pods' required anti-affinity against the incoming pod,
 * all counted per topology domain in PreFilter. Preferred terms of the pod and of existing pods
 * (and existing pods' required affinity, with weight 1) score the domains.
 */
public final class InterPodAffinity
    implements PreFilterPlugin,
        PreFilterExtensions,
        FilterPlugin,
        PreScorePlugin,
        ScorePlugin,
        ScoreExtensions,
        EnqueueExtensions {
  public static final String NAME = "InterPodAffinity";
  public static final String ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH =
      "node(s) didn't satisfy existing pods anti-affinity rules";
  public static final String ERR_REASON_AFFINITY_RULES_NOT_MATCH =
      "node(s) didn't match pod affinity rules";
  public static final String ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH =
      "node(s) didn't match pod anti-affinity rules";

  /** Upstream's default {@code hardPodAffinityWeight}. */
  static final int HARD_POD_AFFINITY_WEIGHT = 1;

  private static final String PRE_FILTER_STATE_KEY = "PreFilter" + NAME;
  private static final String PRE_SCORE_STATE_KEY = "PreScore" + NAME;

  private final Handle handle;

  private InterPodAffinity(Handle handle) {
    this.handle = handle;
  }

  public static Plugin create(Handle handle) {
    return new InterPodAffinity(handle);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Matching-pod counts per topology domain, computed in PreFilter. */
  static final class PreFilterState implements CycleState.StateData {
    final PodInfo pod;
    final Map<TopologyPair, Long> existingAntiAffinityCounts;
    final Map<TopologyPair, Long> affinityCounts;
    final Map<TopologyPair, Long> antiAffinityCounts;

    PreFilterState(
        PodInfo pod,
        Map<TopologyPair, Long> existing,
        Map<TopologyPair, Long> affinity,
        Map<TopologyPair, Long> anti) {
      this.pod = pod;
      this.existingAntiAffinityCounts = existing;
      this.affinityCounts = affinity;
      this.antiAffinityCounts = anti;
    }

    @Override
    public PreFilterState copy() {
      return new PreFilterState(
          pod,
          new HashMap<>(existingAntiAffinityCounts),
          new HashMap<>(affinityCounts),
          new HashMap<>(antiAffinityCounts));
    }

    void updateWithPod(PodInfo updated, Node node, long multiplier) {
      updateWithAntiAffinityTerms(
          existingAntiAffinityCounts,
          updated.requiredAntiAffinityTerms(),
          pod.pod(),
          node,
          multiplier);
      updateWithAffinityTerms(
          affinityCounts, pod.requiredAffinityTerms(), updated.pod(), node, multiplier);
      updateWithAntiAffinityTerms(
          antiAffinityCounts, pod.requiredAntiAffinityTerms(), updated.pod(), node, multiplier);
    }
  }

  @Override
  public Status preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    List<NodeInfo> withAntiAffinity = handle.snapshot().havePodsWithRequiredAntiAffinity();
    if (pod.requiredAffinityTerms().isEmpty()
        && pod.requiredAntiAffinityTerms().isEmpty()
        && withAntiAffinity.isEmpty()) {
      return Status.skip();
    }
    Map<TopologyPair, Long> existing = new HashMap<>();
    for (NodeInfo n : withAntiAffinity) {
      for (PodInfo p : n.podsWithRequiredAntiAffinity()) {
        updateWithAntiAffinityTerms(
            existing, p.requiredAntiAffinityTerms(), pod.pod(), n.node(), 1);
      }
    }
    Map<TopologyPair, Long> affinity = new HashMap<>();
    Map<TopologyPair, Long> anti = new HashMap<>();
    if (!pod.requiredAffinityTerms().isEmpty() || !pod.requiredAntiAffinityTerms().isEmpty()) {
      for (NodeInfo n : nodes) {
        for (PodInfo existingPod : n.pods()) {
          updateWithAffinityTerms(
              affinity, pod.requiredAffinityTerms(), existingPod.pod(), n.node(), 1);
          updateWithAntiAffinityTerms(
              anti, pod.requiredAntiAffinityTerms(), existingPod.pod(), n.node(), 1);
        }
      }
    }
    state.write(PRE_FILTER_STATE_KEY, new PreFilterState(pod, existing, affinity, anti));
    return Status.success();
  }

  @Override
  public PreFilterExtensions preFilterExtensions() {
    return this;
  }

  @Override
  public Status addPod(
      CycleState state, PodInfo podToSchedule, PodInfo podToAdd, NodeInfo nodeInfo) {
    state
        .read(PRE_FILTER_STATE_KEY, PreFilterState.class)
        .updateWithPod(podToAdd, nodeInfo.node(), 1);
    return Status.success();
  }

  @Override
  public Status removePod(
      CycleState state, PodInfo podToSchedule, PodInfo podToRemove, NodeInfo nodeInfo) {
    state
        .read(PRE_FILTER_STATE_KEY, PreFilterState.class)
        .updateWithPod(podToRemove, nodeInfo.node(), -1);
    return Status.success();
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    PreFilterState s = state.read(PRE_FILTER_STATE_KEY, PreFilterState.class);
    Map<String, String> labels = nodeInfo.labels();
    if (!satisfyPodAffinity(s, labels)) {
      return Status.unschedulableAndUnresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH);
    }
    if (!satisfyPodAntiAffinity(s, labels)) {
      return Status.unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
    }
    if (!satisfyExistingPodsAntiAffinity(s, labels)) {
      return Status.unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
    }
    return Status.success();
  }

  private static boolean satisfyPodAffinity(PreFilterState s, Map<String, String> labels) {
    boolean podsExist = true;
    for (AffinityTerm term : s.pod.requiredAffinityTerms()) {
      String value = labels.get(term.topologyKey());
      if (value == null) {
        return false; // every topology key must exist on the node
      }
      if (s.affinityCounts.getOrDefault(new TopologyPair(term.topologyKey(), value), 0L) <= 0) {
        podsExist = false;
      }
    }
    if (!podsExist) {
      // The first pod of a group with affinity to itself: allowed if nothing matches anywhere and
      // it matches its own terms, or it could never be scheduled.
      return s.affinityCounts.isEmpty()
          && podMatchesAllAffinityTerms(s.pod.requiredAffinityTerms(), s.pod.pod());
    }
    return true;
  }

  private static boolean satisfyPodAntiAffinity(PreFilterState s, Map<String, String> labels) {
    if (s.antiAffinityCounts.isEmpty()) {
      return true;
    }
    for (AffinityTerm term : s.pod.requiredAntiAffinityTerms()) {
      String value = labels.get(term.topologyKey());
      if (value != null
          && s.antiAffinityCounts.getOrDefault(new TopologyPair(term.topologyKey(), value), 0L)
              > 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean satisfyExistingPodsAntiAffinity(
      PreFilterState s, Map<String, String> labels) {
    if (s.existingAntiAffinityCounts.isEmpty()) {
      return true;
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (s.existingAntiAffinityCounts.getOrDefault(
              new TopologyPair(label.getKey(), label.getValue()), 0L)
          > 0) {
        return false;
      }
    }
    return true;
  }

  static boolean podMatchesAllAffinityTerms(List<AffinityTerm> terms, Pod pod) {
    if (terms.isEmpty()) {
      return false;
    }
    for (AffinityTerm t : terms) {
      if (!t.matches(pod)) {
        return false;
      }
    }
    return true;
  }

  /** Counts {@code target} on {@code node}'s domains if it matches all {@code terms}. */
  static void updateWithAffinityTerms(
      Map<TopologyPair, Long> m, List<AffinityTerm> terms, Pod target, Node node, long value) {
    if (node == null || !podMatchesAllAffinityTerms(terms, target)) {
      return;
    }
    Map<String, String> labels = node.getMetadata().getLabels();
    for (AffinityTerm t : terms) {
      String v = labels == null ? null : labels.get(t.topologyKey());
      if (v != null) {
        add(m, new TopologyPair(t.topologyKey(), v), value);
      }
    }
  }

  /** Counts {@code target} on {@code node}'s domain of each of {@code terms} it matches. */
  static void updateWithAntiAffinityTerms(
      Map<TopologyPair, Long> m, List<AffinityTerm> terms, Pod target, Node node, long value) {
    if (node == null) {
      return;
    }
    Map<String, String> labels = node.getMetadata().getLabels();
    for (AffinityTerm t : terms) {
      if (t.matches(target)) {
        String v = labels == null ? null : labels.get(t.topologyKey());
        if (v != null) {
          add(m, new TopologyPair(t.topologyKey(), v), value);
        }
      }
    }
  }

  private static void add(Map<TopologyPair, Long> m, TopologyPair pair, long value) {
    long n = m.getOrDefault(pair, 0L) + value;
    if (n == 0) {
      m.remove(pair);
    } else {
      m.put(pair, n);
    }
  }

  /** Score per topology key and value, from preferred terms both ways. */
  static final class PreScoreState implements CycleState.StateData {
    final Map<String, Map<String, Long>> topologyScore = new HashMap<>();

    @Override
    public PreScoreState copy() {
      return this; // read-only after PreScore
    }

    void processTerm(AffinityTerm term, long weight, Pod pod, Node node, int multiplier) {
      if (!term.matches(pod)) {
        return;
      }
      String v = node.getMetadata().getLabels().get(term.topologyKey());
      if (v != null) {
        topologyScore
            .computeIfAbsent(term.topologyKey(), k -> new HashMap<>())
            .merge(v, weight * multiplier, Long::sum);
      }
    }

    void processTerms(List<WeightedAffinityTerm> terms, Pod pod, Node node, int multiplier) {
      for (WeightedAffinityTerm t : terms) {
        processTerm(t.term(), t.weight(), pod, node, multiplier);
      }
    }
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes) {
    if (feasibleNodes.isEmpty()) {
      return Status.skip();
    }
    boolean hasConstraints =
        !pod.preferredAffinityTerms().isEmpty() || !pod.preferredAntiAffinityTerms().isEmpty();
    // Without preferred terms of its own, only existing pods with affinity can score.
    List<NodeInfo> nodes =
        hasConstraints ? handle.snapshot().list() : handle.snapshot().havePodsWithAffinity();
    PreScoreState s = new PreScoreState();
    for (NodeInfo n : nodes) {
      Node node = n.node();
      if (node.getMetadata().getLabels() == null || node.getMetadata().getLabels().isEmpty()) {
        continue;
      }
      for (PodInfo existing : hasConstraints ? n.pods() : n.podsWithAffinity()) {
        s.processTerms(pod.preferredAffinityTerms(), existing.pod(), node, 1);
        s.processTerms(pod.preferredAntiAffinityTerms(), existing.pod(), node, -1);
        for (AffinityTerm t : existing.requiredAffinityTerms()) {
          s.processTerm(t, HARD_POD_AFFINITY_WEIGHT, pod.pod(), node, 1);
        }
        s.processTerms(existing.preferredAffinityTerms(), pod.pod(), node, 1);
        s.processTerms(existing.preferredAntiAffinityTerms(), pod.pod(), node, -1);
      }
    }
    if (s.topologyScore.isEmpty()) {
      return Status.skip();
    }
    state.write(PRE_SCORE_STATE_KEY, s);
    return Status.success();
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    PreScoreState s = state.read(PRE_SCORE_STATE_KEY, PreScoreState.class);
    Map<String, String> labels = nodeInfo.labels();
    long score = 0;
    for (Map.Entry<String, Map<String, Long>> e : s.topologyScore.entrySet()) {
      String v = labels.get(e.getKey());
      if (v != null) {
        score += e.getValue().getOrDefault(v, 0L);
      }
    }
    return score;
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  /** Min-max scaling to 0–100 (scores may be negative before). */
  @Override
  public Status normalizeScore(CycleState state, PodInfo pod, List<NodeScore> scores) {
    PreScoreState s = state.readOrNull(PRE_SCORE_STATE_KEY, PreScoreState.class);
    if (s == null || s.topologyScore.isEmpty()) {
      return Status.success();
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (NodeScore ns : scores) {
      min = Math.min(min, ns.score());
      max = Math.max(max, ns.score());
    }
    long diff = max - min;
    for (NodeScore ns : scores) {
      double f = diff > 0 ? MAX_NODE_SCORE * ((double) (ns.score() - min) / diff) : 0;
      ns.setScore((long) f);
    }
    return Status.success();
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(
        ClusterEvent.register(
            ResourceKind.ASSIGNED_POD,
            ActionType.ADD,
            ActionType.DELETE,
            ActionType.UPDATE_POD_LABEL),
        ClusterEvent.register(ResourceKind.NODE, ActionType.ADD, ActionType.UPDATE_NODE_LABEL));
  }
}
