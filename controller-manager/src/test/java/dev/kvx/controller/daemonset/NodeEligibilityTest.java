package dev.kvx.controller.daemonset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeEligibilityTest {

  private static Node node(List<Taint> taints) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName("n1")
        .withLabels(Map.of())
        .endMetadata()
        .withNewSpec()
        .withTaints(taints)
        .endSpec()
        .build();
  }

  private static Taint taint(String key, String effect) {
    return new TaintBuilder().withKey(key).withEffect(effect).build();
  }

  /**
   * Taints as {@code key:effect;…} or {@code none}; the daemon pod has only the default daemon
   * tolerations.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "none, true, true",
    // What the node lifecycle controller puts on a node whose agent stopped reporting.
    "'node.kubernetes.io/unreachable:NoSchedule;node.kubernetes.io/unreachable:NoExecute', false,"
        + " true",
    "'node.kubernetes.io/not-ready:NoSchedule;node.kubernetes.io/not-ready:NoExecute', false, true",
    "'dedicated:NoSchedule', false, true",
    "'dedicated:NoExecute', false, false",
    "'dedicated:PreferNoSchedule', true, true",
  })
  void daemonPodsStayOnNodesWhoseNoExecuteTaintsTheyTolerate(
      String taints, boolean shouldRun, boolean shouldContinueRunning) {
    List<Taint> list =
        taints.equals("none")
            ? List.of()
            : List.of(taints.split(";")).stream()
                .map(t -> taint(t.substring(0, t.indexOf(':')), t.substring(t.indexOf(':') + 1)))
                .toList();
    PodSpec spec = new PodSpecBuilder().build();
    assertThat(NodeEligibility.shouldRun(node(list), spec)).as("shouldRun").isEqualTo(shouldRun);
    assertThat(NodeEligibility.shouldContinueRunning(node(list), spec))
        .as("shouldContinueRunning")
        .isEqualTo(shouldContinueRunning);
  }
}
