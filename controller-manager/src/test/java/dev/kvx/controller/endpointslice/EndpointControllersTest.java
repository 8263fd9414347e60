package dev.kvx.controller.endpointslice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.controller.endpoint.EndpointsController;
import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Service gets Endpoints and an EndpointSlice with its pods' IPs, readiness and named ports. */
class EndpointControllersTest {
  @TempDir Path dir;

  private static Pod pod(String name, Map<String, String> labels) {
    Pod p = new PodBuilder().withNewMetadata().withNamespace("ep").withName(name).withLabels(labels).endMetadata()
        .withSpec(TestCluster.template(Map.of(), "img").getSpec()).build();
    p.getSpec().getContainers().get(0).setPorts(List.of(new ContainerPortBuilder().withName("http").withContainerPort(8080).build()));
    return p;
  }

  @Test
  void servicesGetEndpointsAndSlicesOfTheirPods() throws Exception {
    try (TestCluster cluster = TestCluster.start(dir, EndpointsController.DESCRIPTOR, EndpointSliceController.DESCRIPTOR)) {
      cluster.createNamespace("ep");
      Map<String, String> web = Map.of("app", "web");
      Pod ready = cluster.client().pods().resource(pod("ready", web)).create();
      Pod unready = cluster.client().pods().resource(pod("unready", web)).create();
      cluster.client().pods().resource(pod("no-ip", web)).create();
      Pod other = cluster.client().pods().resource(pod("other", Map.of("app", "other"))).create();
      cluster.markReady(ready);
      cluster.markReady(other);
      Pod unreadyWithIp = cluster.markReady(unready);
      unreadyWithIp.getStatus().setConditions(List.of());
      cluster.client().pods().resource(unreadyWithIp).updateStatus();
      cluster.client().services().resource(new ServiceBuilder().withNewMetadata().withNamespace("ep").withName("web").endMetadata()
          .withNewSpec().withSelector(web).addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http")).endPort().endSpec()
          .build()).create();

      String readyIp = cluster.client().pods().inNamespace("ep").withName("ready").get().getStatus().getPodIP();
      String unreadyIp = cluster.client().pods().inNamespace("ep").withName("unready").get().getStatus().getPodIP();
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
        Endpoints ep = cluster.client().endpoints().inNamespace("ep").withName("web").get();
        assertThat(ep).isNotNull();
        assertThat(ep.getSubsets()).hasSize(1);
        EndpointSubset s = ep.getSubsets().get(0);
        assertThat(s.getAddresses()).extracting(a -> a.getIp()).containsExactly(readyIp);
        assertThat(s.getNotReadyAddresses()).extracting(a -> a.getIp()).containsExactly(unreadyIp);
        assertThat(s.getPorts()).singleElement().satisfies(p -> {
          assertThat(p.getPort()).isEqualTo(8080);
          assertThat(p.getName()).isEqualTo("http");
        });
        assertThat(s.getAddresses().get(0).getTargetRef().getName()).isEqualTo("ready");
      });
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
        List<EndpointSlice> slices = cluster.client().discovery().v1().endpointSlices().inNamespace("ep")
            .withLabel("kubernetes.io/service-name", "web").list().getItems();
        assertThat(slices).hasSize(1);
        EndpointSlice slice = slices.get(0);
        assertThat(slice.getAddressType()).isEqualTo("IPv4");
        assertThat(slice.getMetadata().getLabels()).containsEntry("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
        assertThat(slice.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> assertThat(r.getKind()).isEqualTo("Service"));
        assertThat(slice.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));
        assertThat(slice.getEndpoints()).extracting(e -> e.getAddresses().get(0)).containsExactlyInAnyOrder(readyIp, unreadyIp);
        Endpoint r = slice.getEndpoints().stream().filter(e -> e.getAddresses().get(0).equals(readyIp)).findFirst().orElseThrow();
        assertThat(r.getConditions().getReady()).isTrue();
        Endpoint u = slice.getEndpoints().stream().filter(e -> e.getAddresses().get(0).equals(unreadyIp)).findFirst().orElseThrow();
        assertThat(u.getConditions().getReady()).isFalse();
      });

      // The ready pod goes away: both objects follow.
      cluster.client().pods().inNamespace("ep").withName("ready").delete();
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
        Endpoints ep = cluster.client().endpoints().inNamespace("ep").withName("web").get();
        assertThat(ep.getSubsets().get(0).getAddresses()).isNullOrEmpty();
        EndpointSlice slice = cluster.client().discovery().v1().endpointSlices().inNamespace("ep")
            .withLabel("kubernetes.io/service-name", "web").list().getItems().get(0);
        assertThat(slice.getEndpoints()).extracting(e -> e.getAddresses().get(0)).containsExactly(unreadyIp);
      });
    }
  }
}
