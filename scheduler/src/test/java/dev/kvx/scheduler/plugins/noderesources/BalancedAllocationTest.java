package dev.kvx.scheduler.plugins.noderesources;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.testing.MakePod;
import dev.kvx.scheduler.testing.TestFramework;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BalancedAllocationTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        // n1: cpu 3/4, memory 5000/10000 → std 0.125 → 87; n2: 3/6 and 0.5 → 100.
        arguments(
            "unbalanced vs balanced",
            pod("p").req("cpu", "3", "memory", "5000"),
            List.of(),
            Map.of("n1", 87L, "n2", 100L)),
        arguments(
            "existing requests count",
            pod("p").req("cpu", "1", "memory", "1000"),
            List.of(pod("e").node("n1").req("cpu", "1", "memory", "4000")),
            Map.of("n1", 100L, "n2", 96L)),
        arguments(
            "fractions are capped at 1",
            pod("p").req("cpu", "8", "memory", "5000"),
            List.of(),
            Map.of("n1", 75L, "n2", 75L)),
        arguments(
            "best-effort pods are not scored", pod("p"), List.of(), Map.of("n1", 0L, "n2", 0L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void score(String name, MakePod pod, List<MakePod> existing, Map<String, Long> want) {
    Snapshot snapshot =
        TestFramework.snapshot(
            List.of(
                node("n1").capacity("cpu", "4", "memory", "10000").obj(),
                node("n2").capacity("cpu", "6", "memory", "10000").obj()),
            existing.stream().map(MakePod::info).toArray(PodInfo[]::new));
    var fw = TestFramework.of(snapshot, BalancedAllocation.NAME);
    assertThat(TestFramework.scores(fw, snapshot, BalancedAllocation.NAME, pod.info()))
        .isEqualTo(want);
  }
}
