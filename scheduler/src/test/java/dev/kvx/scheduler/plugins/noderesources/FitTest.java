package dev.kvx.scheduler.plugins.noderesources;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.testing.MakeNode;
import dev.kvx.scheduler.testing.MakePod;
import dev.kvx.scheduler.testing.TestFramework;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FitTest {

  static MakeNode bigNode() {
    return node("n")
        .capacity(
            "cpu",
            "4",
            "memory",
            "8Gi",
            "pods",
            "110",
            "ephemeral-storage",
            "10Gi",
            "example.com/gpu",
            "2");
  }

  static Status unschedulable(String... reasons) {
    return Status.unschedulable(reasons).withPlugin(Fit.NAME);
  }

  static Status unresolvable(String... reasons) {
    return Status.unschedulableAndUnresolvable(reasons).withPlugin(Fit.NAME);
  }

  static Stream<Arguments> filterCases() {
    return Stream.of(
        arguments("no requests on an empty node", pod("p"), List.of(), Status.success()),
        arguments(
            "fits next to an existing pod",
            pod("p").req("cpu", "1", "memory", "1Gi"),
            List.of(pod("e").node("n").req("cpu", "3", "memory", "7Gi")),
            Status.success()),
        arguments(
            "not enough cpu left",
            pod("p").req("cpu", "1"),
            List.of(pod("e").node("n").req("cpu", "3500m")),
            unschedulable("Insufficient cpu")),
        arguments(
            "not enough cpu nor memory left, both reasons",
            pod("p").req("cpu", "1", "memory", "2Gi"),
            List.of(pod("e").node("n").req("cpu", "3500m", "memory", "7Gi")),
            unschedulable("Insufficient cpu", "Insufficient memory")),
        arguments(
            "more than the node has at all: preemption can't help",
            pod("p").req("cpu", "5"),
            List.of(),
            unresolvable("Insufficient cpu")),
        arguments(
            "an init container larger than the containers counts",
            pod("p").req("cpu", "1").initReq("cpu", "3"),
            List.of(pod("e").node("n").req("cpu", "2")),
            unschedulable("Insufficient cpu")),
        arguments(
            "containers larger than the init containers count",
            pod("p").req("cpu", "1").req("cpu", "1").initReq("cpu", "1500m"),
            List.of(pod("e").node("n").req("cpu", "2")),
            Status.success()),
        arguments(
            "a sidecar runs beside later init containers",
            pod("p").sidecarReq("cpu", "1").initReq("cpu", "2").req("cpu", "1"),
            List.of(pod("e").node("n").req("cpu", "1500m")),
            unschedulable("Insufficient cpu")),
        arguments(
            "overhead is added",
            pod("p").req("cpu", "1").overhead("cpu", "500m"),
            List.of(pod("e").node("n").req("cpu", "2800m")),
            unschedulable("Insufficient cpu")),
        arguments(
            "limits stand in for missing requests",
            pod("p").limitsOnly("memory", "2Gi"),
            List.of(pod("e").node("n").req("memory", "7Gi")),
            unschedulable("Insufficient memory")),
        arguments(
            "extended resource used up",
            pod("p").req("example.com/gpu", "1"),
            List.of(pod("e").node("n").req("example.com/gpu", "2")),
            unschedulable("Insufficient example.com/gpu")),
        arguments(
            "extended resource the node lacks",
            pod("p").req("example.com/fpga", "1"),
            List.of(),
            unresolvable("Insufficient example.com/fpga")),
        arguments(
            "ephemeral storage used up",
            pod("p").req("ephemeral-storage", "2Gi"),
            List.of(pod("e").node("n").req("ephemeral-storage", "9Gi")),
            unschedulable("Insufficient ephemeral-storage")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filterCases")
  void filter(String name, MakePod pod, List<MakePod> existing, Status want) {
    Snapshot snapshot =
        TestFramework.snapshot(
            List.of(bigNode().obj()), existing.stream().map(MakePod::info).toArray(PodInfo[]::new));
    var fw = TestFramework.of(snapshot, Fit.NAME);
    assertThat(TestFramework.filter(fw, snapshot, pod.info(), "n")).isEqualTo(want);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tooManyPodsCases")
  void podSlots(String name, int existingPods, Status want) {
    PodInfo[] existing = new PodInfo[existingPods];
    for (int i = 0; i < existingPods; i++) {
      existing[i] = pod("e" + i).node("n").info();
    }
    Snapshot snapshot =
        TestFramework.snapshot(
            List.of(node("n").capacity("cpu", "1", "pods", "2").obj()), existing);
    var fw = TestFramework.of(snapshot, Fit.NAME);
    assertThat(TestFramework.filter(fw, snapshot, pod("p").info(), "n")).isEqualTo(want);
  }

  static Stream<Arguments> tooManyPodsCases() {
    return Stream.of(
        arguments("a slot left", 1, Status.success()),
        arguments("no slot left", 2, unschedulable("Too many pods")));
  }

  static Stream<Arguments> scoreCases() {
    return Stream.of(
        // Upstream's LeastAllocated example: (4000-3000)/4000 and (10000-5000)/10000 → (25+50)/2.
        arguments(
            "requested cpu and memory",
            pod("p").req("cpu", "3", "memory", "5000"),
            List.of(),
            Map.of("n1", 37L, "n2", 50L)),
        arguments(
            "existing pods count",
            pod("p").req("cpu", "1", "memory", "1000"),
            List.of(pod("e").node("n2").req("cpu", "3", "memory", "4000")),
            Map.of("n1", 82L, "n2", 41L)),
        // A best-effort pod counts as 100m and 200Mi: memory beyond a 10000-byte node scores 0.
        arguments(
            "best-effort pod uses the non-zero defaults",
            pod("p"),
            List.of(),
            Map.of("n1", (4000L - 100) * 100 / 4000 / 2, "n2", (6000L - 100) * 100 / 6000 / 2)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scoreCases")
  void leastAllocatedScore(
      String name, MakePod pod, List<MakePod> existing, Map<String, Long> want) {
    Snapshot snapshot =
        TestFramework.snapshot(
            List.of(
                node("n1").capacity("cpu", "4", "memory", "10000").obj(),
                node("n2").capacity("cpu", "6", "memory", "10000").obj()),
            existing.stream().map(MakePod::info).toArray(PodInfo[]::new));
    var fw = TestFramework.of(snapshot, Fit.NAME);
    assertThat(TestFramework.scores(fw, snapshot, Fit.NAME, pod.info())).isEqualTo(want);
  }
}
