package dev.kvx.kubelet.runtime;

import java.time.Instant;
import java.util.Map;

/**
 * A container as the runtime reports it (CRI's {@code ContainerStatus}).
 *
 * @param id the runtime's id (without the {@code docker://} prefix)
 * @param sandboxId the sandbox it joined
 * @param name the container's name in the pod spec
 * @param attempt the restart count when it was created
 * @param startedAt null until started
 * @param finishedAt null until exited
 * @param exitCode null until exited
 * @param reason for an exited container: {@code Completed}, {@code Error} or {@code OOMKilled}
 * @param message the termination message, if any
 * @param image the image reference it was created from
 * @param imageRef the image's id as container statuses show it
 * @param labels the container's labels (including the agent's own, e.g. the spec hash)
 */
public record RuntimeContainer(
    String id,
    String sandboxId,
    PodRef pod,
    String name,
    int attempt,
    ContainerState state,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Integer exitCode,
    String reason,
    String message,
    String image,
    String imageRef,
    Map<String, String> labels) {

  public RuntimeContainer {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** The {@code containerID} a container status shows: {@code <runtime>://<id>}. */
  public String containerId(String runtimeName) {
    return runtimeName + "://" + id;
  }

  public boolean running() {
    return state == ContainerState.RUNNING;
  }
}
