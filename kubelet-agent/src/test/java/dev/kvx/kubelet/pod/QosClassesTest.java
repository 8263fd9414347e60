package dev.kvx.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QosClassesTest {
  private static Pod pod(Map<String, String> requests, Map<String, String> limits) {
    var c = new ContainerBuilder().withName("c").withNewResources();
    requests.forEach((k, v) -> c.addToRequests(k, new Quantity(v)));
    limits.forEach((k, v) -> c.addToLimits(k, new Quantity(v)));
    return new PodBuilder()
        .withNewSpec()
        .withContainers(c.endResources().build())
        .endSpec()
        .build();
  }

  @Test
  void classes() {
    assertThat(QosClasses.of(pod(Map.of(), Map.of()))).isEqualTo("BestEffort");
    assertThat(QosClasses.of(pod(Map.of(), Map.of("cpu", "1", "memory", "1Gi"))))
        .isEqualTo("Guaranteed");
    assertThat(
            QosClasses.of(
                pod(
                    Map.of("cpu", "1000m", "memory", "1Gi"),
                    Map.of("cpu", "1", "memory", "1024Mi"))))
        .isEqualTo("Guaranteed");
    assertThat(QosClasses.of(pod(Map.of("cpu", "500m"), Map.of("cpu", "1", "memory", "1Gi"))))
        .isEqualTo("Burstable");
    assertThat(QosClasses.of(pod(Map.of("memory", "1Gi"), Map.of()))).isEqualTo("Burstable");
  }
}
