package dev.kvx.scheduler.plugins.nodeaffinity;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.testing.MakePod;
import dev.kvx.scheduler.testing.TestFramework;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeAffinityTest {
  static final Status MISMATCH =
      Status.unschedulableAndUnresolvable(NodeAffinity.ERR_REASON_POD)
          .withPlugin(NodeAffinity.NAME);

  /** Node "n" has labels zone=a, disk=ssd, cores=8. */
  static Stream<Arguments> filterCases() {
    return Stream.of(
        arguments("no constraints", pod("p"), Status.success()),
        arguments("nodeSelector matches", pod("p").nodeSelector("zone", "a"), Status.success()),
        arguments("nodeSelector does not match", pod("p").nodeSelector("zone", "b"), MISMATCH),
        arguments(
            "nodeSelector on a missing label", pod("p").nodeSelector("gpu", "true"), MISMATCH),
        arguments("In", pod("p").nodeAffinity("zone", "In", "a", "b"), Status.success()),
        arguments("In, no value matches", pod("p").nodeAffinity("zone", "In", "b", "c"), MISMATCH),
        arguments("NotIn", pod("p").nodeAffinity("zone", "NotIn", "b"), Status.success()),
        arguments("NotIn, value excluded", pod("p").nodeAffinity("zone", "NotIn", "a"), MISMATCH),
        arguments(
            "NotIn on a missing label",
            pod("p").nodeAffinity("gpu", "NotIn", "true"),
            Status.success()),
        arguments("Exists", pod("p").nodeAffinity("disk", "Exists"), Status.success()),
        arguments("Exists, label missing", pod("p").nodeAffinity("gpu", "Exists"), MISMATCH),
        arguments("DoesNotExist", pod("p").nodeAffinity("gpu", "DoesNotExist"), Status.success()),
        arguments(
            "DoesNotExist, label present", pod("p").nodeAffinity("disk", "DoesNotExist"), MISMATCH),
        arguments("Gt", pod("p").nodeAffinity("cores", "Gt", "4"), Status.success()),
        arguments("Gt, not greater", pod("p").nodeAffinity("cores", "Gt", "8"), MISMATCH),
        arguments("Lt", pod("p").nodeAffinity("cores", "Lt", "16"), Status.success()),
        arguments("Lt on a non-integer label", pod("p").nodeAffinity("zone", "Lt", "16"), MISMATCH),
        arguments(
            "terms are ORed",
            pod("p").nodeAffinity("zone", "In", "b").nodeAffinity("disk", "In", "ssd"),
            Status.success()),
        arguments(
            "matchFields metadata.name In",
            pod("p").nodeAffinityField("In", "n"),
            Status.success()),
        arguments(
            "matchFields metadata.name NotIn", pod("p").nodeAffinityField("NotIn", "n"), MISMATCH),
        arguments(
            "nodeSelector and affinity must both match",
            pod("p").nodeSelector("zone", "b").nodeAffinity("disk", "Exists"),
            MISMATCH));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filterCases")
  void filter(String name, MakePod pod, Status want) {
    Snapshot snapshot =
        TestFramework.snapshot(
            List.of(node("n").label("zone", "a").label("disk", "ssd").label("cores", "8").obj()));
    var fw = TestFramework.of(snapshot, NodeAffinity.NAME);
    assertThat(TestFramework.filter(fw, snapshot, pod.info(), "n")).isEqualTo(want);
  }

  static Stream<Arguments> scoreCases() {
    return Stream.of(
        arguments("no preferences", pod("p"), Map.of("n1", 0L, "n2", 0L, "n3", 0L)),
        arguments(
            "one preference",
            pod("p").preferredNodeAffinity(10, "zone", "In", "a"),
            Map.of("n1", 100L, "n2", 0L, "n3", 100L)),
        arguments(
            "weights add up and normalize to the best node",
            pod("p")
                .preferredNodeAffinity(2, "zone", "In", "a")
                .preferredNodeAffinity(6, "disk", "In", "ssd"),
            Map.of("n1", 25L, "n2", 75L, "n3", 100L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scoreCases")
  void score(String name, MakePod pod, Map<String, Long> want) {
    Snapshot snapshot =
        TestFramework.snapshot(
            List.of(
                node("n1").label("zone", "a").obj(),
                node("n2").label("zone", "b").label("disk", "ssd").obj(),
                node("n3").label("zone", "a").label("disk", "ssd").obj()));
    var fw = TestFramework.of(snapshot, NodeAffinity.NAME);
    assertThat(TestFramework.scores(fw, snapshot, NodeAffinity.NAME, pod.info())).isEqualTo(want);
  }
}
