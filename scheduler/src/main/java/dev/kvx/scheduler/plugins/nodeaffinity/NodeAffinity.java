package dev.kvx.scheduler.plugins.nodeaffinity;

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
import dev.kvx.scheduler.framework.PreFilterPlugin;
import dev.kvx.scheduler.framework.PreScorePlugin;
import dev.kvx.scheduler.framework.ScoreExtensions;
import dev.kvx.scheduler.framework.ScorePlugin;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.plugins.helper.NodeSelectors;
import dev.kvx.scheduler.plugins.helper.NormalizeScore;
import dev.kvx.scheduler.plugins.helper.RequiredNodeAffinity;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import java.util.List;

/**
 * NodeAffinity: the pod's {@code nodeSelector} and required node affinity must match the node
 * (filter); its preferred terms add their weights for nodes they match (score, normalized to
 * 0–100).
 */
public final class NodeAffinity
    implements PreFilterPlugin,
        FilterPlugin,
        PreScorePlugin,
        ScorePlugin,
        ScoreExtensions,
        EnqueueExtensions {
  public static final String NAME = "NodeAffinity";
  public static final String ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
  private static final String PRE_FILTER_STATE_KEY = "PreFilter" + NAME;
  private static final String PRE_SCORE_STATE_KEY = "PreScore" + NAME;

  record PreFilterState(RequiredNodeAffinity required) implements CycleState.StateData {
    @Override
    public CycleState.StateData copy() {
      return this;
    }
  }

  record PreScoreState(List<PreferredSchedulingTerm> preferred) implements CycleState.StateData {
    @Override
    public CycleState.StateData copy() {
      return this;
    }
  }

  public static Plugin create(Handle handle) {
    return new NodeAffinity();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    RequiredNodeAffinity required = RequiredNodeAffinity.of(pod.pod());
    if (required.isEmpty()) {
      return Status.skip();
    }
    state.write(PRE_FILTER_STATE_KEY, new PreFilterState(required));
    return Status.success();
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    PreFilterState s = state.readOrNull(PRE_FILTER_STATE_KEY, PreFilterState.class);
    RequiredNodeAffinity required = s != null ? s.required() : RequiredNodeAffinity.of(pod.pod());
    if (!required.matches(nodeInfo.node())) {
      return Status.unschedulableAndUnresolvable(ERR_REASON_POD);
    }
    return Status.success();
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes) {
    Affinity a = pod.pod().getSpec().getAffinity();
    List<PreferredSchedulingTerm> preferred =
        a == null || a.getNodeAffinity() == null
            ? null
            : a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    if (preferred == null || preferred.isEmpty()) {
      return Status.skip();
    }
    state.write(PRE_SCORE_STATE_KEY, new PreScoreState(List.copyOf(preferred)));
    return Status.success();
  }

  /** The sum of the weights of the preferred terms the node matches. */
  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    PreScoreState s = state.read(PRE_SCORE_STATE_KEY, PreScoreState.class);
    long count = 0;
    for (PreferredSchedulingTerm t : s.preferred()) {
      int weight = t.getWeight() == null ? 0 : t.getWeight();
      if (weight != 0
          && t.getPreference() != null
          && NodeSelectors.matches(t.getPreference(), nodeInfo.node())) {
        count += weight;
      }
    }
    return count;
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  @Override
  public Status normalizeScore(CycleState state, PodInfo pod, List<NodeScore> scores) {
    return NormalizeScore.defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(
        ClusterEvent.register(ResourceKind.NODE, ActionType.ADD, ActionType.UPDATE_NODE_LABEL),
        ClusterEvent.register(ResourceKind.UNSCHEDULED_POD, ActionType.UPDATE_POD_OTHER));
  }
}
