package dev.kvx.scheduler.plugins.interpodaffinity;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.testing.MakePod;
import dev.kvx.scheduler.testing.TestFramework;
import io.fabric8.kubernetes.api.model.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InterPodAffinityTest {
  static final String ZONE = "topology.kubernetes.io/zone";
  static final String HOST = "kubernetes.io/hostname";
  static final Status AFFINITY =
      Status.unschedulableAndUnresolvable(InterPodAffinity.ERR_REASON_AFFINITY_RULES_NOT_MATCH)
          .withPlugin(InterPodAffinity.NAME);
  static final Status ANTI =
      Status.unschedulable(InterPodAffinity.ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH)
          .withPlugin(InterPodAffinity.NAME);
  static final Status EXISTING_ANTI =
      Status.unschedulable(InterPodAffinity.ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH)
          .withPlugin(InterPodAffinity.NAME);
  static final Status OK = Status.success();

  /** n1, n2 in zone z1, n3 in z2, n4 without a zone. */
  static List<Node> nodes() {
    return List.of(
        node("n1").label(ZONE, "z1").obj(),
        node("n2").label(ZONE, "z1").obj(),
        node("n3").label(ZONE, "z2").obj(),
        node("n4").obj());
  }

  static Stream<Arguments> filterCases() {
    MakePod web = pod("web").label("app", "web").node("n1");
    return Stream.of(
        arguments(
            "no affinity", pod("p"), List.of(web), Map.of("n1", OK, "n2", OK, "n3", OK, "n4", OK)),
        arguments(
            "affinity to web in its zone",
            pod("p").podAffinity(ZONE, "app", "web"),
            List.of(web),
            Map.of("n1", OK, "n2", OK, "n3", AFFINITY, "n4", AFFINITY)),
        arguments(
            "affinity to web on its host",
            pod("p").podAffinity(HOST, "app", "web"),
            List.of(web),
            Map.of("n1", OK, "n2", AFFINITY, "n3", AFFINITY, "n4", AFFINITY)),
        arguments(
            "affinity to a group it is the first of",
            pod("p").label("app", "db").podAffinity(ZONE, "app", "db"),
            List.of(web),
            Map.of("n1", OK, "n2", OK, "n3", OK, "n4", AFFINITY)),
        arguments(
            "affinity to pods that exist nowhere",
            pod("p").podAffinity(ZONE, "app", "db"),
            List.of(web),
            Map.of("n1", AFFINITY, "n2", AFFINITY, "n3", AFFINITY, "n4", AFFINITY)),
        arguments(
            "affinity in another namespace does not match",
            pod("p").namespace("other").podAffinity(ZONE, "app", "web"),
            List.of(web),
            Map.of("n1", AFFINITY, "n2", AFFINITY, "n3", AFFINITY, "n4", AFFINITY)),
        arguments(
            "anti-affinity to web in its zone",
            pod("p").podAntiAffinity(ZONE, "app", "web"),
            List.of(web),
            Map.of("n1", ANTI, "n2", ANTI, "n3", OK, "n4", OK)),
        arguments(
            "an existing pod's anti-affinity keeps the pod away",
            pod("p").label("app", "cache"),
            List.of(web, pod("lonely").node("n3").podAntiAffinity(HOST, "app", "cache")),
            Map.of("n1", OK, "n2", OK, "n3", EXISTING_ANTI, "n4", OK)),
        arguments(
            "an existing pod's zone anti-affinity covers its zone",
            pod("p").label("app", "cache"),
            List.of(pod("lonely").node("n1").podAntiAffinity(ZONE, "app", "cache")),
            Map.of("n1", EXISTING_ANTI, "n2", EXISTING_ANTI, "n3", OK, "n4", OK)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filterCases")
  void filter(String name, MakePod pod, List<MakePod> existing, Map<String, Status> want) {
    Snapshot snapshot =
        TestFramework.snapshot(
            nodes(), existing.stream().map(MakePod::info).toArray(PodInfo[]::new));
    var fw = TestFramework.of(snapshot, InterPodAffinity.NAME);
    Map<String, Status> got = new LinkedHashMap<>();
    for (Node n : nodes()) {
      String nodeName = n.getMetadata().getName();
      got.put(nodeName, TestFramework.filter(fw, snapshot, pod.info(), nodeName));
    }
    assertThat(got).isEqualTo(want);
  }

  static Stream<Arguments> scoreCases() {
    MakePod web = pod("web").label("app", "web").node("n1");
    return Stream.of(
        arguments(
            "no preferences anywhere",
            pod("p"),
            List.of(web),
            Map.of("n1", 0L, "n2", 0L, "n3", 0L, "n4", 0L)),
        arguments(
            "preferred affinity to web's zone",
            pod("p").preferredPodAffinity(10, ZONE, "app", "web"),
            List.of(web),
            Map.of("n1", 100L, "n2", 100L, "n3", 0L, "n4", 0L)),
        arguments(
            "preferred anti-affinity to web's zone",
            pod("p").preferredPodAntiAffinity(10, ZONE, "app", "web"),
            List.of(web),
            Map.of("n1", 0L, "n2", 0L, "n3", 100L, "n4", 100L)),
        arguments(
            "an existing pod's preferred anti-affinity",
            pod("p").label("app", "x"),
            List.of(pod("picky").node("n1").preferredPodAntiAffinity(5, HOST, "app", "x")),
            Map.of("n1", 0L, "n2", 100L, "n3", 100L, "n4", 100L)),
        arguments(
            "an existing pod's required affinity attracts with weight 1",
            pod("p").label("app", "x"),
            List.of(pod("needy").node("n3").podAffinity(ZONE, "app", "x")),
            Map.of("n1", 0L, "n2", 0L, "n3", 100L, "n4", 0L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scoreCases")
  void score(String name, MakePod pod, List<MakePod> existing, Map<String, Long> want) {
    Snapshot snapshot =
        TestFramework.snapshot(
            nodes(), existing.stream().map(MakePod::info).toArray(PodInfo[]::new));
    var fw = TestFramework.of(snapshot, InterPodAffinity.NAME);
    assertThat(TestFramework.scores(fw, snapshot, InterPodAffinity.NAME, pod.info()))
        .isEqualTo(want);
  }
}
