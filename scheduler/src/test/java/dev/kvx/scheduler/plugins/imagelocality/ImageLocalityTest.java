package dev.kvx.scheduler.plugins.imagelocality;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.testing.MakePod;
import dev.kvx.scheduler.testing.TestFramework;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageLocalityTest {
  static final long MB = 1024L * 1024;

  static Stream<Arguments> cases() {
    return Stream.of(
        // 250 MB on one of two nodes: 250 × 1/2 = 125 MB → 100 × (125 − 23) / (1000 − 23) = 10.
        arguments("image on one node", pod("p").image("gcr.io/250"), Map.of("n1", 10L, "n2", 0L)),
        // Untagged names mean :latest on both sides.
        arguments(
            "untagged image matches :latest",
            pod("p").image("gcr.io/40"),
            Map.of("n1", 0L, "n2", 0L)),
        // 300 MB on both nodes: spread 1 → 100 × (300 − 23) / 977 = 28.
        arguments(
            "image on every node", pod("p").image("gcr.io/300:v1"), Map.of("n1", 28L, "n2", 28L)),
        // Two containers: threshold 2000 MB; n1 has 250/2 + 300 = 425 MB → 100 × 402 / 1977 = 20.
        arguments(
            "several containers",
            pod("p").image("gcr.io/250").image("gcr.io/300:v1"),
            Map.of("n1", 20L, "n2", 14L)),
        arguments("unknown image", pod("p").image("example.com/none"), Map.of("n1", 0L, "n2", 0L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void score(String name, MakePod pod, Map<String, Long> want) {
    Snapshot snapshot =
        TestFramework.snapshot(
            List.of(
                node("n1")
                    .image(250 * MB, "gcr.io/250:latest")
                    .image(300 * MB, "gcr.io/300:v1")
                    .image(40 * MB, "gcr.io/40")
                    .obj(),
                node("n2").image(300 * MB, "gcr.io/300:v1").obj()));
    var fw = TestFramework.of(snapshot, ImageLocality.NAME);
    assertThat(TestFramework.scores(fw, snapshot, ImageLocality.NAME, pod.info())).isEqualTo(want);
  }
}
