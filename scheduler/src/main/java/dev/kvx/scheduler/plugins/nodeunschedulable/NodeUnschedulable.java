package dev.kvx.scheduler.plugins.nodeunschedulable;

import dev.kvx.scheduler.framework.ClusterEvent;
import dev.kvx.scheduler.framework.ClusterEvent.ActionType;
import dev.kvx.scheduler.framework.ClusterEvent.ResourceKind;
import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.EnqueueExtensions;
import dev.kvx.scheduler.framework.FilterPlugin;
import dev.kvx.scheduler.framework.Handle;
import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.Plugin;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.plugins.helper.Tolerations;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.util.List;

/**
 * Rejects nodes marked {@code spec.unschedulable} (kubectl cordon) unless the pod tolerates the
 * {@code node.kubernetes.io/unschedulable:NoSchedule} taint that stands for it.
 */
public final class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  public static final String NAME = "NodeUnschedulable";
  public static final String ERR_REASON_UNKNOWN_CONDITION = "node(s) had unknown conditions";
  public static final String ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";
  public static final String TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

  private static final Taint UNSCHEDULABLE_TAINT =
      new TaintBuilder().withKey(TAINT_NODE_UNSCHEDULABLE).withEffect("NoSchedule").build();

  public static Plugin create(Handle handle) {
    return new NodeUnschedulable();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    if (nodeInfo.node() == null) {
      return Status.unschedulableAndUnresolvable(ERR_REASON_UNKNOWN_CONDITION);
    }
    var spec = nodeInfo.node().getSpec();
    if (spec == null || !Boolean.TRUE.equals(spec.getUnschedulable())) {
      return Status.success();
    }
    if (Tolerations.toleratesAny(pod.pod().getSpec().getTolerations(), UNSCHEDULABLE_TAINT)) {
      return Status.success();
    }
    return Status.unschedulableAndUnresolvable(ERR_REASON_UNSCHEDULABLE);
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    // Upstream counts a spec.unschedulable change as a taint update.
    return List.of(
        ClusterEvent.register(ResourceKind.NODE, ActionType.ADD, ActionType.UPDATE_NODE_TAINT),
        ClusterEvent.register(ResourceKind.UNSCHEDULED_POD, ActionType.UPDATE_POD_TOLERATIONS));
  }
}
