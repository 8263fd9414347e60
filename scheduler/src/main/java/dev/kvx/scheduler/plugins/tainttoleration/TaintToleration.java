package dev.kvx.scheduler.plugins.tainttoleration;

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
import dev.kvx.scheduler.framework.PreScorePlugin;
import dev.kvx.scheduler.framework.ScoreExtensions;
import dev.kvx.scheduler.framework.ScorePlugin;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.plugins.helper.NormalizeScore;
import dev.kvx.scheduler.plugins.helper.Tolerations;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.List;

/**
 * TaintToleration: a node with a NoSchedule or NoExecute taint the pod does not tolerate is
 * rejected (filter); nodes with fewer untolerated PreferNoSchedule taints score higher.
 */
public final class TaintToleration
    implements FilterPlugin, PreScorePlugin, ScorePlugin, ScoreExtensions, EnqueueExtensions {
  public static final String NAME = "TaintToleration";
  private static final String PRE_SCORE_STATE_KEY = "PreScore" + NAME;

  /** The pod's tolerations that matter for PreferNoSchedule taints. */
  record PreScoreState(List<Toleration> tolerationsPreferNoSchedule)
      implements CycleState.StateData {
    @Override
    public CycleState.StateData copy() {
      return this;
    }
  }

  public static Plugin create(Handle handle) {
    return new TaintToleration();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    List<Taint> taints =
        nodeInfo.node().getSpec() == null ? null : nodeInfo.node().getSpec().getTaints();
    Taint taint =
        Tolerations.findMatchingUntoleratedTaint(
            taints,
            pod.pod().getSpec().getTolerations(),
            t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()));
    if (taint == null) {
      return Status.success();
    }
    return Status.unschedulableAndUnresolvable(untoleratedTaintReason(taint));
  }

  /** Upstream's message, e.g. {@code node(s) had untolerated taint {dedicated: gpu}}. */
  public static String untoleratedTaintReason(Taint taint) {
    return "node(s) had untolerated taint {"
        + nullToEmpty(taint.getKey())
        + ": "
        + nullToEmpty(taint.getValue())
        + "}";
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes) {
    List<Toleration> relevant = new ArrayList<>();
    List<Toleration> all = pod.pod().getSpec().getTolerations();
    if (all != null) {
      for (Toleration t : all) {
        if (t.getEffect() == null
            || t.getEffect().isEmpty()
            || "PreferNoSchedule".equals(t.getEffect())) {
          relevant.add(t);
        }
      }
    }
    state.write(PRE_SCORE_STATE_KEY, new PreScoreState(List.copyOf(relevant)));
    return Status.success();
  }

  /** The number of PreferNoSchedule taints the pod does not tolerate (reversed by normalize). */
  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    PreScoreState s = state.read(PRE_SCORE_STATE_KEY, PreScoreState.class);
    List<Taint> taints =
        nodeInfo.node().getSpec() == null ? null : nodeInfo.node().getSpec().getTaints();
    if (taints == null) {
      return 0;
    }
    long count = 0;
    for (Taint t : taints) {
      if ("PreferNoSchedule".equals(t.getEffect())
          && !Tolerations.toleratesAny(s.tolerationsPreferNoSchedule(), t)) {
        count++;
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
    return NormalizeScore.defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(
        ClusterEvent.register(ResourceKind.NODE, ActionType.ADD, ActionType.UPDATE_NODE_TAINT),
        ClusterEvent.register(ResourceKind.UNSCHEDULED_POD, ActionType.UPDATE_POD_TOLERATIONS));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
