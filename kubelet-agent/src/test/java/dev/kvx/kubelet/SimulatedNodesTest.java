package dev.kvx.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many simulated nodes from one agent process, against a real in-JVM API server. */
class SimulatedNodesTest {
  @TempDir Path dir;
  ClusterSupport cluster;
  KubeletAgent agent;

  @BeforeEach
  void setUp() throws Exception {
    cluster = new ClusterSupport(dir);
  }

  @AfterEach
  void tearDown() {
    if (agent != null) {
      agent.close().await();
    }
    cluster.close();
  }

  private static boolean ready(Node n) {
    List<NodeCondition> conditions = n.getStatus() == null ? null : n.getStatus().getConditions();
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Pod pod(String name, String node, String restartPolicy) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withRestartPolicy(restartPolicy)
        .addNewContainer()
        .withName("app")
        .withImage("registry.example/app:1")
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void anAgentGivenAPodCidrRunsPodsWithoutAControllerManager() {
    // Standalone mode (kubelet's --pod-cidr): no node IPAM controller runs against this API server.
    agent =
        cluster.startAgent(
            cluster
                .agentOptions("solo", dir.resolve("agent"))
                .runtime(KubeletOptions.Runtime.SIMULATED)
                .nodes(2)
                .podCidr("10.250.0.0/23")
                .simulatedRunningDelay(Duration.ofMillis(100)));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(cluster.client.nodes().list().getItems())
                    .extracting(n -> n.getMetadata().getName() + "=" + n.getSpec().getPodCIDR())
                    .containsExactlyInAnyOrder("solo-0=10.250.0.0/24", "solo-1=10.250.1.0/24"));
    cluster
        .client
        .pods()
        .inNamespace("default")
        .resource(pod("on-solo-1", "solo-1", "Always"))
        .create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Pod p = cluster.pod("default", "on-solo-1");
              assertThat(p.getStatus().getPhase()).isEqualTo("Running");
              assertThat(p.getStatus().getPodIP()).startsWith("10.250.1.");
            });
  }

  @Test
  void hundredNodesRegisterTurnReadyAndRunTheirPods() {
    agent =
        cluster.startAgent(
            cluster
                .agentOptions("sim", dir.resolve("agent"))
                .timings(KubeletTimings.upstream())
                .runtime(KubeletOptions.Runtime.SIMULATED)
                .nodes(100)
                .simulatedRunningDelay(Duration.ofMillis(200))
                .simulatedCompleteDelay(Duration.ofSeconds(1)));
    assertThat(agent.nodeNames()).hasSize(100).contains("sim-0", "sim-99");

    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              List<Node> nodes = cluster.client.nodes().list().getItems();
              assertThat(nodes).hasSize(100).allMatch(SimulatedNodesTest::ready);
            });
    Node n7 = cluster.client.nodes().withName("sim-7").get();
    assertThat(n7.getMetadata().getLabels())
        .containsEntry("kubernetes.io/hostname", "sim-7")
        .containsEntry("kubernetes.io/os", "linux")
        .containsKey("kubernetes.io/arch");
    assertThat(n7.getStatus().getNodeInfo().getContainerRuntimeVersion())
        .startsWith("kvx-simulated://");
    assertThat(n7.getStatus().getNodeInfo().getKubeletVersion()).isEqualTo("v1.32.0-kvx");
    assertThat(n7.getStatus().getCapacity().get("pods").getAmount()).isEqualTo("110");
    assertThat(n7.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort())
        .isEqualTo(agent.port());
    // The agent sets no pod CIDR: the controller manager's node IPAM controller does.
    assertThat(n7.getSpec().getPodCIDR()).isNull();
    assertThat(n7.getStatus().getConditions())
        .extracting(NodeCondition::getType)
        .containsExactly("MemoryPressure", "DiskPressure", "PIDPressure", "Ready");
    // The node lease is written by its own loop, independently of the node status: wait for it.
    Lease lease =
        await()
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () ->
                    cluster.client.leases().inNamespace("kube-node-lease").withName("sim-7").get(),
                l -> l != null);
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("sim-7");
    assertThat(lease.getSpec().getRenewTime()).isNotNull();

    IntStream.range(0, 100)
        .parallel()
        .forEach(
            i ->
                cluster
                    .client
                    .pods()
                    .inNamespace("default")
                    .resource(pod("p" + i, "sim-" + i, "Always"))
                    .create());
    cluster
        .client
        .pods()
        .inNamespace("default")
        .resource(pod("job-like", "sim-3", "Never"))
        .create();

    // Without a pod CIDR no sandbox gets an IP: the pods wait (network not ready).
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Pod p = cluster.pod("default", "p42");
              return p.getStatus() == null
                  || (p.getStatus().getPodIP() == null
                      && !"Running".equals(p.getStatus().getPhase()));
            });
    // What the node IPAM controller does (this module's tests run no controller manager): a block
    // per node that does not follow the node's index, so the IPs can only come from the Node.
    IntStream.range(0, 100)
        .parallel()
        .forEach(
            i ->
                cluster
                    .client
                    .nodes()
                    .withName("sim-" + i)
                    .edit(
                        n -> {
                          n.getSpec().setPodCIDR("10.200." + (99 - i) + ".0/24");
                          n.getSpec().setPodCIDRs(List.of("10.200." + (99 - i) + ".0/24"));
                          return n;
                        }));

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(cluster.client.pods().inNamespace("default").list().getItems())
                    .filteredOn(p -> p.getMetadata().getName().startsWith("p"))
                    .hasSize(100)
                    .allSatisfy(
                        p -> {
                          int i = Integer.parseInt(p.getMetadata().getName().substring(1));
                          assertThat(p.getStatus().getPhase()).isEqualTo("Running");
                          assertThat(p.getStatus().getPodIP())
                              .startsWith("10.200." + (99 - i) + ".");
                        }));
    Pod p42 = cluster.pod("default", "p42");
    assertThat(p42.getStatus().getPodIP()).isEqualTo("10.200.57.2");
    assertThat(p42.getStatus().getHostIP()).isEqualTo("127.0.0.1");
    assertThat(p42.getStatus().getContainerStatuses().get(0).getContainerID())
        .startsWith("kvx-simulated://");
    assertThat(p42.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Pod done = cluster.pod("default", "job-like");
              assertThat(done.getStatus().getPhase()).isEqualTo("Succeeded");
              assertThat(
                      done.getStatus()
                          .getContainerStatuses()
                          .get(0)
                          .getState()
                          .getTerminated()
                          .getReason())
                  .isEqualTo("Completed");
            });
    assertThat(agent.meterRegistry().scrape())
        .contains("kubelet_running_pods")
        .contains("kubelet_pod_start_duration_seconds_bucket")
        .contains("kubelet_runtime_operations_total{operation_type=\"run_podsandbox\"}");
  }
}
