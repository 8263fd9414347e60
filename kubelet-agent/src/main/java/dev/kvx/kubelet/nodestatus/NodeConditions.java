package dev.kvx.kubelet.nodestatus;

import dev.kvx.kubelet.KubeTime;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The node conditions the kubelet owns, in its order and with its reasons and messages
 * (pkg/kubelet/nodestatus/setters.go). Pure: previous conditions keep their transition times while
 * their status holds.
 */
public final class NodeConditions {
  public static final String READY = "Ready";
  public static final String MEMORY_PRESSURE = "MemoryPressure";
  public static final String DISK_PRESSURE = "DiskPressure";
  public static final String PID_PRESSURE = "PIDPressure";

  private NodeConditions() {}

  /**
   * The conditions for {@code health} at {@code now}; {@code previous} are the node's current ones
   * (conditions of other owners are kept as they are).
   */
  public static List<NodeCondition> compute(
      List<NodeCondition> previous,
      boolean memoryPressure,
      boolean diskPressure,
      boolean pidPressure,
      String runtimeProblem,
      Instant heartbeat) {
    List<NodeCondition> out = new ArrayList<>();
    out.add(
        condition(
            previous,
            MEMORY_PRESSURE,
            memoryPressure,
            memoryPressure ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory",
            memoryPressure
                ? "kubelet has insufficient memory available"
                : "kubelet has sufficient memory available",
            heartbeat));
    out.add(
        condition(
            previous,
            DISK_PRESSURE,
            diskPressure,
            diskPressure ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
            diskPressure ? "kubelet has disk pressure" : "kubelet has no disk pressure",
            heartbeat));
    out.add(
        condition(
            previous,
            PID_PRESSURE,
            pidPressure,
            pidPressure ? "KubeletHasInsufficientPID" : "KubeletHasSufficientPID",
            pidPressure
                ? "kubelet has insufficient PID available"
                : "kubelet has sufficient PID available",
            heartbeat));
    boolean ready = runtimeProblem == null;
    out.add(
        condition(
            previous,
            READY,
            ready,
            ready ? "KubeletReady" : "KubeletNotReady",
            ready ? "kubelet is posting ready status" : runtimeProblem,
            heartbeat));
    for (NodeCondition c : previous) {
      if (!List.of(READY, MEMORY_PRESSURE, DISK_PRESSURE, PID_PRESSURE).contains(c.getType())) {
        out.add(c);
      }
    }
    return out;
  }

  private static NodeCondition condition(
      List<NodeCondition> previous,
      String type,
      boolean isTrue,
      String reason,
      String message,
      Instant heartbeat) {
    String status = isTrue ? "True" : "False";
    NodeCondition old =
        previous.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    String transition =
        old != null && status.equals(old.getStatus()) && old.getLastTransitionTime() != null
            ? old.getLastTransitionTime()
            : KubeTime.format(heartbeat);
    return new NodeConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastHeartbeatTime(KubeTime.format(heartbeat))
        .withLastTransitionTime(transition)
        .build();
  }

  /** Whether two condition lists differ in anything but their heartbeat times. */
  public static boolean changed(List<NodeCondition> a, List<NodeCondition> b) {
    if (a.size() != b.size()) {
      return true;
    }
    for (int i = 0; i < a.size(); i++) {
      NodeCondition x = a.get(i);
      NodeCondition y = b.get(i);
      if (!Objects.equals(x.getType(), y.getType())
          || !Objects.equals(x.getStatus(), y.getStatus())
          || !Objects.equals(x.getReason(), y.getReason())
          || !Objects.equals(x.getMessage(), y.getMessage())
          || !Objects.equals(x.getLastTransitionTime(), y.getLastTransitionTime())) {
        return true;
      }
    }
    return false;
  }
}
