package dev.kvx.scheduler.priority;

import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.testing.MakePod;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PriorityResolverTest {

  static PriorityClass pc(String name, int value, boolean globalDefault, String policy) {
    return new PriorityClassBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withValue(value)
        .withGlobalDefault(globalDefault)
        .withPreemptionPolicy(policy)
        .build();
  }

  static Stream<Arguments> cases() {
    List<PriorityClass> classes =
        List.of(pc("high", 1000, false, null), pc("polite", 500, false, "Never"));
    List<PriorityClass> withDefaults =
        List.of(pc("d1", 50, true, null), pc("d2", 20, true, null), pc("high", 1000, false, null));
    return Stream.of(
        arguments(
            "spec.priority wins",
            pod("p").priority(7).priorityClassName("high"),
            classes,
            7,
            PodInfo.PREEMPT_LOWER_PRIORITY),
        arguments(
            "the named class",
            pod("p").priorityClassName("high"),
            classes,
            1000,
            PodInfo.PREEMPT_LOWER_PRIORITY),
        arguments(
            "the class's preemption policy",
            pod("p").priorityClassName("polite"),
            classes,
            500,
            PodInfo.PREEMPT_NEVER),
        arguments(
            "the pod's preemption policy wins",
            pod("p").priorityClassName("polite").preemptionPolicy("PreemptLowerPriority"),
            classes,
            500,
            PodInfo.PREEMPT_LOWER_PRIORITY),
        arguments(
            "a built-in system class",
            pod("p").priorityClassName("system-node-critical"),
            classes,
            2_000_001_000,
            PodInfo.PREEMPT_LOWER_PRIORITY),
        arguments(
            "an unknown class",
            pod("p").priorityClassName("nope"),
            classes,
            0,
            PodInfo.PREEMPT_LOWER_PRIORITY),
        arguments("no class and no default", pod("p"), classes, 0, PodInfo.PREEMPT_LOWER_PRIORITY),
        arguments(
            "the global default, lowest if several",
            pod("p"),
            withDefaults,
            20,
            PodInfo.PREEMPT_LOWER_PRIORITY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void resolve(
      String name, MakePod pod, List<PriorityClass> classes, int wantPriority, String wantPolicy) {
    Map<String, PriorityClass> byName =
        classes.stream()
            .collect(Collectors.toMap(c -> c.getMetadata().getName(), Function.identity()));
    PriorityResolver resolver = new PriorityResolver(byName::get, () -> classes);

    PodInfo info = resolver.podInfo(pod.obj());

    assertThat(info.priority()).isEqualTo(wantPriority);
    assertThat(info.preemptionPolicy()).isEqualTo(wantPolicy);
  }
}
