package dev.kvx.scheduler.plugins.nodename;

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
import java.util.List;

/** A pod that names a node in {@code spec.nodeName} fits only that node. */
public final class NodeName implements FilterPlugin, EnqueueExtensions {
  public static final String NAME = "NodeName";
  public static final String ERR_REASON = "node(s) didn't match the requested node name";

  public static Plugin create(Handle handle) {
    return new NodeName();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    String wanted = pod.nodeName();
    if (wanted == null || wanted.isEmpty() || wanted.equals(nodeInfo.name())) {
      return Status.success();
    }
    return Status.unschedulableAndUnresolvable(ERR_REASON);
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(ClusterEvent.register(ResourceKind.NODE, ActionType.ADD));
  }
}
