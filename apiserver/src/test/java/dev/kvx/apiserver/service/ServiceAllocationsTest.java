package dev.kvx.apiserver.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.testing.InJvmApiServer;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ClusterIP and NodePort allocation through the fabric8 client. */
class ServiceAllocationsTest {

  @RegisterExtension static final InJvmApiServer api = new InJvmApiServer();

  private static Service service(String name, String type, String clusterIp, Integer nodePort) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
        .withNewSpec().withType(type).withClusterIP(clusterIp).addToSelector("app", name)
        .addNewPort().withPort(80).withNodePort(nodePort).endPort().endSpec().build();
  }

  @Test
  void theKubernetesServiceHasTheFirstAddress() {
    Service kubernetes = api.client().services().inNamespace("default").withName("kubernetes").get();
    assertThat(kubernetes.getSpec().getClusterIP()).isEqualTo("10.96.0.1");
    assertThat(api.client().endpoints().inNamespace("default").withName("kubernetes").get().getSubsets().get(0)
        .getPorts().get(0).getPort()).isEqualTo(api.server().port());
  }

  @Test
  void clusterIpsAreDistinctAndInRange() {
    Set<String> ips = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      Service s = api.client().services().inNamespace("default").resource(service("distinct-" + i, "ClusterIP", null, null))
          .create();
      // Random addresses come from above the lower band (10.96.0.0/24 of a /12), as upstream's.
      assertThat(s.getSpec().getClusterIP()).startsWith("10.").doesNotStartWith("10.96.0.");
      assertThat(s.getSpec().getClusterIPs()).containsExactly(s.getSpec().getClusterIP());
      ips.add(s.getSpec().getClusterIP());
    }
    assertThat(ips).hasSize(5);
  }

  @Test
  void aTakenAddressIsRefusedUntilReleased() {
    api.client().services().inNamespace("default").resource(service("first", "ClusterIP", "10.96.0.55", null)).create();
    assertThatThrownBy(() -> api.client().services().inNamespace("default")
        .resource(service("second", "ClusterIP", "10.96.0.55", null)).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422));
    assertThat(api.client().services().inNamespace("default").withName("second").get()).isNull();
    api.client().services().inNamespace("default").withName("first").delete();
    Service again = api.client().services().inNamespace("default")
        .resource(service("second", "ClusterIP", "10.96.0.55", null)).create();
    assertThat(again.getSpec().getClusterIP()).isEqualTo("10.96.0.55");
  }

  @Test
  void nodePortsAreAllocatedInRange() {
    for (int i = 0; i < 10; i++) {
      Service s = api.client().services().inNamespace("default")
          .resource(service("np-" + i, "NodePort", null, null)).create();
      // Random ports come from above the lower band (30000-30085), which is left for ports asked
      // for by number, as upstream's ServiceNodePortStaticSubrange.
      assertThat(s.getSpec().getPorts().get(0).getNodePort()).isBetween(30086, 32767);
    }
    Service fixed = api.client().services().inNamespace("default").resource(service("np-fixed", "NodePort", null, 30007))
        .create();
    assertThat(fixed.getSpec().getPorts().get(0).getNodePort()).isEqualTo(30007);
    assertThatThrownBy(() -> api.client().services().inNamespace("default")
        .resource(service("np-clash", "NodePort", null, 30007)).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422));
  }

  @Test
  void headlessServicesGetNoAddress() {
    Service s = api.client().services().inNamespace("default").resource(service("headless", "ClusterIP", "None", null))
        .create();
    assertThat(s.getSpec().getClusterIP()).isEqualTo("None");
  }

  @Test
  void aDryRunShowsAnAddressAndPortWithoutHoldingThem() {
    Service dry = api.client().services().inNamespace("default")
        .resource(service("dry", "NodePort", null, null)).dryRun().create();
    String ip = dry.getSpec().getClusterIP();
    int port = dry.getSpec().getPorts().get(0).getNodePort();
    assertThat(ip).startsWith("10.").isNotEqualTo("10.96.0.1");
    assertThat(dry.getSpec().getClusterIPs()).containsExactly(ip);
    assertThat(port).isBetween(30000, 32767);
    assertThat(api.client().services().inNamespace("default").withName("dry").get()).isNull();

    // Nothing was held: a real create can take exactly that address and port.
    Service real = api.client().services().inNamespace("default")
        .resource(service("dry-then-real", "NodePort", ip, port)).create();
    assertThat(real.getSpec().getClusterIP()).isEqualTo(ip);
    assertThat(real.getSpec().getPorts().get(0).getNodePort()).isEqualTo(port);

    // A taken address is refused in a dry run as it would be for real, and so is a taken name.
    assertThatThrownBy(() -> api.client().services().inNamespace("default")
        .resource(service("dry-taken", "ClusterIP", ip, null)).dryRun().create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422));
    assertThatThrownBy(() -> api.client().services().inNamespace("default")
        .resource(service("dry-then-real", "ClusterIP", null, null)).dryRun().create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
  }
}
