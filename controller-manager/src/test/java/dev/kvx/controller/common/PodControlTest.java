package dev.kvx.controller.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.component.clock.FakeClock;
import dev.kvx.controller.events.EventRecorder;
import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk creates and deletes against a real in-JVM API server: the owner's expectations are raised
 * for every change and lowered at once for each change no informer will ever report.
 */
class PodControlTest {
  @TempDir static Path dir;
  static TestCluster cluster;

  final Expectations expectations = new Expectations(new FakeClock());
  final ConfigMap owner =
      new ConfigMapBuilder().withNewMetadata().withNamespace("default").withName("owner").withUid("u1")
          .endMetadata().build();

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.startWithoutControllers(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  PodControl podControl() {
    return new PodControl(cluster.client(), EventRecorder.NOOP);
  }

  static Pod pod(String name, String image) {
    return new PodBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage(image).endContainer().endSpec().build();
  }

  @Test
  void createsRaiseTheExpectationsAndOnlyObservedOnesRemain() throws Exception {
    int created = podControl().createPods(expectations, "default/a", 3, i -> pod("created-" + i, "busybox"), owner);

    assertThat(created).isEqualTo(3);
    assertThat(expectations.pendingAdds("default/a")).isEqualTo(3);
    assertThat(expectations.satisfied("default/a")).isFalse();
  }

  @Test
  void aFailedCreateLowersTheExpectationsForItAndEveryCreateSkippedAfterIt() {
    // The first pod (batch 1) has no image: 422, and slow start tries nothing more.
    assertThatThrownBy(
            () -> podControl().createPods(expectations, "default/b", 3,
                i -> pod("invalid-" + i, i == 0 ? "" : "busybox"), owner))
        .isInstanceOf(KubernetesClientException.class);

    assertThat(expectations.pendingAdds("default/b")).isZero();
    assertThat(expectations.satisfied("default/b")).isTrue();
  }

  @Test
  void deletingPodsAlreadyGoneLeavesNothingExpected() throws Exception {
    List<Pod> gone = List.of(pod("never-created-1", "busybox"), pod("never-created-2", "busybox"));

    int deleted = podControl().deletePods(expectations, "default/c", gone, owner);

    assertThat(deleted).isEqualTo(2);
    assertThat(expectations.satisfied("default/c")).isTrue();
  }

  @Test
  void deletingExistingPodsWaitsForTheInformerToReportThem() throws Exception {
    Pod existing = cluster.client().pods().inNamespace("default").resource(pod("doomed", "busybox")).create();

    podControl().deletePods(expectations, "default/d", List.of(existing), owner);

    assertThat(expectations.satisfied("default/d")).isFalse();
    assertThat(cluster.client().pods().inNamespace("default").withName("doomed").get())
        .satisfiesAnyOf(
            p -> assertThat(p).isNull(),
            p -> assertThat(p.getMetadata().getDeletionTimestamp()).isNotNull());
  }
}
