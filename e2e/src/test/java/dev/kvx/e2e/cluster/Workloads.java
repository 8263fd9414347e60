package dev.kvx.e2e.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import java.util.List;
import java.util.Map;

/** Pod templates for the scenarios: local images only, containers that stop on SIGTERM. */
public final class Workloads {

  /** Two names of the local busybox image (tagged by the test), so rollouts change images. */
  public static final String IMAGE_REPOSITORY = "kvx/e2e-web";

  public static final String IMAGE_V1 = IMAGE_REPOSITORY + ":1";
  public static final String IMAGE_V2 = IMAGE_REPOSITORY + ":2";

  /**
   * Runs until SIGTERM, then exits at once: a shell as PID 1 ignores SIGTERM without a trap, and
   * each rollout or deletion would wait out the full grace period.
   */
  public static final List<String> SERVE =
      List.of("sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done");

  private Workloads() {}

  /** Tags the images the scenarios use (idempotent; concurrent clusters tag the same). */
  static void tagImages(DockerHost docker) {
    docker.tagBaseImage(IMAGE_REPOSITORY, "1");
    docker.tagBaseImage(IMAGE_REPOSITORY, "2");
  }

  /** One container named {@code app} running {@link #SERVE} from {@link #IMAGE_V1}. */
  public static ContainerBuilder app() {
    return new ContainerBuilder()
        .withName("app")
        .withImage(IMAGE_V1)
        .withImagePullPolicy("IfNotPresent")
        .withCommand(SERVE);
  }

  public static PodTemplateSpec template(Map<String, String> labels, Container container) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withContainers(container)
        .withTerminationGracePeriodSeconds(5L)
        .endSpec()
        .build();
  }
}
