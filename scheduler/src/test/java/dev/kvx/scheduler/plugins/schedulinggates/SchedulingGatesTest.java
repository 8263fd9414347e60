package dev.kvx.scheduler.plugins.schedulinggates;

import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.Status;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SchedulingGatesTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("no gates", pod("p").info(), Status.success()),
        arguments(
            "one gate",
            pod("p").schedulingGates("example.com/a").info(),
            Status.pending("waiting for scheduling gates: [example.com/a]")),
        arguments(
            "two gates",
            pod("p").schedulingGates("a", "b").info(),
            Status.pending("waiting for scheduling gates: [a b]")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void preEnqueue(String name, PodInfo pod, Status want) {
    assertThat(SchedulingGates.create(null)).isInstanceOf(SchedulingGates.class);
    assertThat(((SchedulingGates) SchedulingGates.create(null)).preEnqueue(pod)).isEqualTo(want);
  }
}
