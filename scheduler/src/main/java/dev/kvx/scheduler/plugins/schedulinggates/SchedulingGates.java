package dev.kvx.scheduler.plugins.schedulinggates;

import dev.kvx.scheduler.framework.ClusterEvent;
import dev.kvx.scheduler.framework.ClusterEvent.ActionType;
import dev.kvx.scheduler.framework.ClusterEvent.ResourceKind;
import dev.kvx.scheduler.framework.EnqueueExtensions;
import dev.kvx.scheduler.framework.Handle;
import dev.kvx.scheduler.framework.Plugin;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.PreEnqueuePlugin;
import dev.kvx.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import java.util.List;

/** Keeps pods with {@code spec.schedulingGates} out of the active queue until the gates go. */
public final class SchedulingGates implements PreEnqueuePlugin, EnqueueExtensions {
  public static final String NAME = "SchedulingGates";

  public static Plugin create(Handle handle) {
    return new SchedulingGates();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preEnqueue(PodInfo pod) {
    List<PodSchedulingGate> gates = pod.pod().getSpec().getSchedulingGates();
    if (gates == null || gates.isEmpty()) {
      return Status.success();
    }
    // Go's %v of a []string: "[a b]".
    List<String> names = gates.stream().map(PodSchedulingGate::getName).toList();
    return Status.pending("waiting for scheduling gates: [" + String.join(" ", names) + "]");
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(
        ClusterEvent.register(
            ResourceKind.UNSCHEDULED_POD, ActionType.UPDATE_POD_SCHEDULING_GATES_ELIMINATED));
  }
}
