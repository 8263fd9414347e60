package dev.kvx.kubelet.pod;

import dev.kvx.component.clock.Clock;
import dev.kvx.kubelet.events.EventRecorder;
import dev.kvx.kubelet.runtime.ContainerRuntime;
import dev.kvx.kubelet.runtime.ImagePullException;
import dev.kvx.kubelet.runtime.ImageStatus;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Makes a container's image present according to its pull policy (the kubelet's image manager):
 * {@code Never} requires it locally ({@code ErrImageNeverPull}), {@code IfNotPresent} pulls only
 * when absent, {@code Always} pulls each time. A failed pull shows {@code ErrImagePull}, then
 * {@code ImagePullBackOff} while its back-off (10 s doubling to 5 min) runs. Emits Pulling, Pulled,
 * Failed and BackOff events with upstream's messages.
 */
public final class ImageManager {
  private final ContainerRuntime runtime;
  private final EventRecorder events;
  private final BackOff backOff;
  private final Clock clock;

  public ImageManager(
      ContainerRuntime runtime, EventRecorder events, BackOff backOff, Clock clock) {
    this.runtime = runtime;
    this.events = events;
    this.backOff = backOff;
    this.clock = clock;
  }

  /**
   * Ensures the image of {@code c}; returns the time spent pulling (excluded from the start SLI).
   * Blocking.
   */
  public Duration ensure(Pod pod, Container c) throws ContainerStartException {
    String image = c.getImage();
    String field = EventRecorder.containerField(pod, c.getName());
    String policy = PodSpecs.imagePullPolicy(c);
    Optional<ImageStatus> present;
    try {
      present = runtime.imageStatus(image);
    } catch (RuntimeException e) {
      throw new ContainerStartException(
          "ErrImageInspect", "Failed to inspect image \"" + image + "\": " + e.getMessage(), e);
    }
    if ("Never".equals(policy)) {
      if (present.isEmpty()) {
        String message =
            "Container image \"" + image + "\" is not present with pull policy of Never";
        events.event(pod, field, EventRecorder.WARNING, "ErrImageNeverPull", message);
        throw new ContainerStartException("ErrImageNeverPull", message);
      }
      return Duration.ZERO;
    }
    if (present.isPresent() && !"Always".equals(policy)) {
      events.event(
          pod,
          field,
          EventRecorder.NORMAL,
          "Pulled",
          "Container image \"" + image + "\" already present on machine");
      return Duration.ZERO;
    }
    String key = PodSpecs.uid(pod) + "/" + image;
    Instant now = clock.now();
    if (backOff.isInBackOffSince(key, now)) {
      String message = "Back-off pulling image \"" + image + "\"";
      events.event(pod, field, EventRecorder.NORMAL, "BackOff", message);
      throw new ContainerStartException("ImagePullBackOff", message);
    }
    events.event(pod, field, EventRecorder.NORMAL, "Pulling", "Pulling image \"" + image + "\"");
    long start = System.nanoTime();
    try {
      runtime.pullImage(image);
    } catch (ImagePullException e) {
      backOff.next(key, clock.now());
      events.event(
          pod,
          field,
          EventRecorder.WARNING,
          "Failed",
          "Failed to pull image \"" + image + "\": " + e.getMessage());
      events.event(pod, field, EventRecorder.WARNING, "Failed", "Error: ErrImagePull");
      throw new ContainerStartException("ErrImagePull", e.getMessage(), e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    backOff.reset(key);
    events.event(
        pod,
        field,
        EventRecorder.NORMAL,
        "Pulled",
        "Successfully pulled image \""
            + image
            + "\" in "
            + seconds(took)
            + " ("
            + seconds(took)
            + " including waiting)");
    return took;
  }

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.3fs", d.toNanos() / 1e9);
  }
}
