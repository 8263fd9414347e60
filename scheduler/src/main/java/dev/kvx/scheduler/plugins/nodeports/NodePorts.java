package dev.kvx.scheduler.plugins.nodeports;

import dev.kvx.scheduler.framework.ClusterEvent;
import dev.kvx.scheduler.framework.ClusterEvent.ActionType;
import dev.kvx.scheduler.framework.ClusterEvent.ResourceKind;
import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.EnqueueExtensions;
import dev.kvx.scheduler.framework.FilterPlugin;
import dev.kvx.scheduler.framework.Handle;
import dev.kvx.scheduler.framework.HostPortInfo;
import dev.kvx.scheduler.framework.HostPortInfo.HostPort;
import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.Plugin;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.PreFilterPlugin;
import dev.kvx.scheduler.framework.Status;
import java.util.List;

/** Rejects nodes where a host port the pod asks for is already taken. */
public final class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  public static final String NAME = "NodePorts";
  public static final String ERR_REASON =
      "node(s) didn't have free ports for the requested pod ports";
  private static final String PRE_FILTER_STATE_KEY = "PreFilter" + NAME;

  /** The pod's wanted host ports, computed once per cycle. */
  record PreFilterState(List<HostPort> ports) implements CycleState.StateData {
    @Override
    public CycleState.StateData copy() {
      return this; // immutable
    }
  }

  public static Plugin create(Handle handle) {
    return new NodePorts();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    List<HostPort> ports = HostPortInfo.of(pod.pod());
    if (ports.isEmpty()) {
      return Status.skip();
    }
    state.write(PRE_FILTER_STATE_KEY, new PreFilterState(List.copyOf(ports)));
    return Status.success();
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    PreFilterState s = state.read(PRE_FILTER_STATE_KEY, PreFilterState.class);
    for (HostPort hp : s.ports()) {
      if (nodeInfo.usedPorts().conflicts(hp)) {
        return Status.unschedulable(ERR_REASON);
      }
    }
    return Status.success();
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(
        ClusterEvent.register(ResourceKind.ASSIGNED_POD, ActionType.DELETE),
        ClusterEvent.register(ResourceKind.NODE, ActionType.ALL));
  }
}
