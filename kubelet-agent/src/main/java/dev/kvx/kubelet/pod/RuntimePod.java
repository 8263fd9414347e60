package dev.kvx.kubelet.pod;

import dev.kvx.kubelet.runtime.ContainerRuntime;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.RuntimeSandbox;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the runtime holds of one pod: its sandboxes and container instances (the kubelet's {@code
 * kubecontainer.PodStatus}), newest first.
 */
public record RuntimePod(List<RuntimeSandbox> sandboxes, List<RuntimeContainer> containers) {
  private static final Comparator<RuntimeContainer> NEWEST_CONTAINER_FIRST =
      Comparator.comparingInt(RuntimeContainer::attempt)
          .thenComparing(c -> c.createdAt() == null ? Instant.EPOCH : c.createdAt())
          .reversed();
  private static final Comparator<RuntimeSandbox> NEWEST_SANDBOX_FIRST =
      Comparator.comparingInt(RuntimeSandbox::attempt)
          .thenComparing(s -> s.createdAt() == null ? Instant.EPOCH : s.createdAt())
          .reversed();

  public RuntimePod {
    sandboxes = sandboxes.stream().sorted(NEWEST_SANDBOX_FIRST).toList();
    containers = containers.stream().sorted(NEWEST_CONTAINER_FIRST).toList();
  }

  /** Lists the pod's sandboxes and containers (blocking runtime calls). */
  public static RuntimePod of(ContainerRuntime runtime, String uid) {
    Map<String, String> labels = Map.of(RuntimeLabels.POD_UID, uid);
    return new RuntimePod(runtime.listSandboxes(labels), runtime.listContainers(labels));
  }

  public boolean isEmpty() {
    return sandboxes.isEmpty() && containers.isEmpty();
  }

  /** The newest sandbox, if it is ready. */
  public Optional<RuntimeSandbox> readySandbox() {
    return sandboxes.isEmpty() || !sandboxes.get(0).ready()
        ? Optional.empty()
        : Optional.of(sandboxes.get(0));
  }

  /** The newest instance of the container {@code name}. */
  public Optional<RuntimeContainer> latest(String name) {
    return containers.stream().filter(c -> name.equals(c.name())).findFirst();
  }

  /** The instances of the container {@code name}, newest first. */
  public List<RuntimeContainer> instances(String name) {
    return containers.stream().filter(c -> name.equals(c.name())).toList();
  }

  public List<RuntimeContainer> running() {
    return containers.stream().filter(RuntimeContainer::running).toList();
  }
}
