package dev.kvx.controller.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deleting a namespace empties it, explains what is left, then finalizes it. */
class NamespaceControllerTest {
  @TempDir static Path dir;
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(dir, NamespaceController.DESCRIPTOR);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static NamespaceCondition condition(Namespace ns, String type) {
    assertThat(ns.getStatus().getConditions()).isNotNull();
    return ns.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  @Test
  void deletingANamespaceDeletesItsContentThenTheNamespace() {
    String name = "ns-doomed";
    cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withFinalizers("kubernetes").endSpec().build()).create();
    cluster.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withNamespace(name).withName("cm").endMetadata().build()).create();
    cluster.client().secrets().resource(new SecretBuilder().withNewMetadata().withNamespace(name).withName("s").endMetadata().build()).create();
    cluster.client().pods().resource(new PodBuilder().withNewMetadata().withNamespace(name).withName("p").endMetadata()
        .withSpec(TestCluster.template(Map.of(), "img").getSpec()).build()).create();
    // Content with a finalizer of someone else's holds the namespace until it is released.
    cluster.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withNamespace(name).withName("held")
        .withFinalizers("example.com/hold").endMetadata().build()).create();

    cluster.client().namespaces().withName(name).delete();
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      Namespace ns = cluster.client().namespaces().withName(name).get();
      assertThat(ns.getStatus().getPhase()).isEqualTo("Terminating");
      NamespaceCondition remaining = condition(ns, "NamespaceContentRemaining");
      assertThat(remaining).isNotNull();
      assertThat(remaining.getStatus()).isEqualTo("True");
      assertThat(remaining.getMessage()).contains("configmaps. has 1 resource instances");
      NamespaceCondition finalizers = condition(ns, "NamespaceFinalizersRemaining");
      assertThat(finalizers.getStatus()).isEqualTo("True");
      assertThat(finalizers.getMessage()).contains("example.com/hold");
      assertThat(condition(ns, "NamespaceDeletionContentFailure").getStatus()).isEqualTo("False");
    });
    assertThat(cluster.client().secrets().inNamespace(name).list().getItems()).isEmpty();
    assertThat(cluster.client().pods().inNamespace(name).list().getItems()).isEmpty();

    cluster.client().configMaps().inNamespace(name).withName("held")
        .edit(cm -> new ConfigMapBuilder(cm).editMetadata().withFinalizers(List.of()).endMetadata().build());
    await().atMost(Duration.ofSeconds(90)).until(() -> cluster.client().namespaces().withName(name).get() == null);
  }
}
