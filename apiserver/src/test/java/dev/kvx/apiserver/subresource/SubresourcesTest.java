package dev.kvx.apiserver.subresource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.testing.InJvmApiServer;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Binding, scale, eviction, graceful pod deletion and namespace finalization through fabric8. */
class SubresourcesTest {

  @RegisterExtension static final InJvmApiServer api = new InJvmApiServer();

  private static Pod pod(String name, String node) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").addToLabels("app", name)
        .endMetadata().withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("busybox")
        .endContainer().endSpec().build();
  }

  private static Binding binding(String pod, String node) {
    return new BindingBuilder().withNewMetadata().withName(pod).endMetadata()
        .withNewTarget().withKind("Node").withName(node).endTarget().build();
  }

  @Test
  void bindingAssignsANodeOnce() {
    api.client().pods().inNamespace("default").resource(pod("bind-me", null)).create();
    api.client().bindings().inNamespace("default").resource(binding("bind-me", "node-a")).create();
    Pod bound = api.client().pods().inNamespace("default").withName("bind-me").get();
    assertThat(bound.getSpec().getNodeName()).isEqualTo("node-a");
    assertThat(bound.getStatus().getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("PodScheduled");
      assertThat(c.getStatus()).isEqualTo("True");
    });
    assertThatThrownBy(() -> api.client().bindings().inNamespace("default").resource(binding("bind-me", "node-b")).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
  }

  @Test
  void scaleReadsAndWritesReplicas() {
    Deployment d = new DeploymentBuilder().withNewMetadata().withName("scaled").withNamespace("default").endMetadata()
        .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "scaled").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "scaled").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
        .endTemplate().endSpec().build();
    api.client().apps().deployments().inNamespace("default").resource(d).create();
    api.client().apps().deployments().inNamespace("default").withName("scaled").scale(3);
    assertThat(api.client().apps().deployments().inNamespace("default").withName("scaled").get().getSpec().getReplicas())
        .isEqualTo(3);
    assertThat(api.client().apps().deployments().inNamespace("default").withName("scaled").scale().getStatus().getSelector())
        .isEqualTo("app=scaled");
    // The scale is recorded as upstream: its manager owns spec.replicas through subresource "scale".
    var scaleEntry = api.client().apps().deployments().inNamespace("default").withName("scaled").get()
        .getMetadata().getManagedFields().stream().filter(m -> "scale".equals(m.getSubresource())).findFirst();
    assertThat(scaleEntry).isPresent();
    assertThat(scaleEntry.get().getOperation()).isEqualTo("Update");
    assertThat(scaleEntry.get().getFieldsV1().getAdditionalProperties())
        .isEqualTo(Map.of("f:spec", Map.of("f:replicas", Map.of())));
  }

  @Test
  void evictionHonoursDisruptionBudgets() {
    api.client().pods().inNamespace("default").resource(pod("guarded", "node-a")).create();
    api.client().policy().v1().podDisruptionBudget().inNamespace("default").resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName("guard").withNamespace("default").endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "guarded").endSelector().withMinAvailable(
            new io.fabric8.kubernetes.api.model.IntOrString(1)).endSpec().build()).create();
    // fabric8 reports the 429 a budget answers as "not evicted".
    assertThat(api.client().pods().inNamespace("default").withName("guarded").evict()).isFalse();
    assertThat(api.client().pods().inNamespace("default").withName("guarded").get()).isNotNull();

    api.client().pods().inNamespace("default").resource(pod("free", null)).create();
    assertThat(api.client().pods().inNamespace("default").withName("free").evict()).isTrue();
    assertThat(api.client().pods().inNamespace("default").withName("free").get()).isNull();
  }

  @Test
  void scheduledPodsAreDeletedGracefully() {
    api.client().pods().inNamespace("default").resource(pod("graceful", "node-a")).create();
    api.client().pods().inNamespace("default").withName("graceful").delete();
    Pod marked = api.client().pods().inNamespace("default").withName("graceful").get();
    assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(marked.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30L);
    // The kubelet confirms with grace 0.
    api.client().pods().inNamespace("default").withName("graceful").withGracePeriod(0).delete();
    assertThat(api.client().pods().inNamespace("default").withName("graceful").get()).isNull();

    api.client().pods().inNamespace("default").resource(pod("unscheduled", null)).create();
    api.client().pods().inNamespace("default").withName("unscheduled").delete();
    assertThat(api.client().pods().inNamespace("default").withName("unscheduled").get()).isNull();
  }

  @Test
  void namespaceDeletionWaitsForFinalize() {
    Namespace ns = new NamespaceBuilder().withNewMetadata().withName("doomed").endMetadata()
        .withNewSpec().withFinalizers("kubernetes").endSpec().build();
    api.client().namespaces().resource(ns).create();
    api.client().namespaces().withName("doomed").delete();
    Namespace terminating = api.client().namespaces().withName("doomed").get();
    assertThat(terminating.getStatus().getPhase()).isEqualTo("Terminating");
    assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThatThrownBy(() -> api.client().configMaps().inNamespace("doomed").resource(
        new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("late").endMetadata()
            .withData(Map.of()).build()).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));

    terminating.getSpec().setFinalizers(java.util.List.of());
    api.client().raw(api.client().getMasterUrl() + "api/v1/namespaces/doomed/finalize", "PUT",
        io.fabric8.kubernetes.client.utils.Serialization.asJson(terminating));
    assertThat(api.client().namespaces().withName("doomed").get()).isNull();
  }
}
