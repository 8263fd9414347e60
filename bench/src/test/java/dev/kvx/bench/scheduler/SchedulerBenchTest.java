package dev.kvx.bench.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.bench.Bench;
import dev.kvx.bench.scheduler.SchedulerBench.Workload;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class SchedulerBenchTest {
  final KubernetesSerialization json = new KubernetesSerialization();

  @Test
  void isRegisteredAndRejectsBadOptions() {
    assertThat(Bench.names()).contains("scheduler");
    assertThat(Bench.run("scheduler", "--workload=Nope")).isEqualTo(Bench.USAGE);
  }

  @Test
  void workloadPodsAreValidPodsWithTheirTwist() {
    Pod basic =
        json.unmarshal(SchedulerBench.podJson(Workload.SchedulingBasic, "p", false), Pod.class);
    assertThat(
            basic
                .getSpec()
                .getContainers()
                .get(0)
                .getResources()
                .getRequests()
                .get("cpu")
                .toString())
        .isEqualTo("100m");
    assertThat(basic.getSpec().getAffinity()).isNull();

    Pod affinity =
        json.unmarshal(SchedulerBench.podJson(Workload.NodeAffinity, "p", false), Pod.class);
    assertThat(
            affinity
                .getSpec()
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()
                .get(0)
                .getMatchExpressions()
                .get(0)
                .getValues())
        .containsExactly("zone-0", "zone-1");

    Pod spread =
        json.unmarshal(SchedulerBench.podJson(Workload.TopologySpread, "p", false), Pod.class);
    assertThat(spread.getSpec().getTopologySpreadConstraints().get(0).getMaxSkew()).isEqualTo(1);

    Pod unschedulable =
        json.unmarshal(SchedulerBench.podJson(Workload.Unschedulable, "p", true), Pod.class);
    assertThat(
            unschedulable
                .getSpec()
                .getContainers()
                .get(0)
                .getResources()
                .getRequests()
                .get("cpu")
                .toString())
        .isEqualTo("9");
  }

  @Test
  void nodesHaveCapacityAndZones() {
    Node n = json.unmarshal(SchedulerBench.nodeJson(4), Node.class);
    assertThat(n.getMetadata().getLabels()).containsEntry("topology.kubernetes.io/zone", "zone-1");
    assertThat(n.getStatus().getAllocatable().get("pods").toString()).isEqualTo("110");
  }

  @Test
  void percentilesAreNearestRank() {
    double[] samples = {5, 1, 4, 2, 3};
    assertThat(SchedulerBench.percentile(samples, 50)).isEqualTo(3);
    assertThat(SchedulerBench.percentile(samples, 90)).isEqualTo(5);
    assertThat(SchedulerBench.percentile(new double[0], 99)).isZero();
  }
}
