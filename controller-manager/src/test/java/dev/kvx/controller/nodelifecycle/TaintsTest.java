package dev.kvx.controller.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaintsTest {
  private static final Taint UNREACHABLE = new TaintBuilder().withKey("node.kubernetes.io/unreachable").withEffect("NoExecute").build();
  private static final Taint CUSTOM = new TaintBuilder().withKey("dedicated").withValue("gpu").withEffect("NoExecute").build();

  private static Toleration tol(String key, String op, String value, String effect, Long seconds) {
    return new TolerationBuilder().withKey(key).withOperator(op).withValue(value).withEffect(effect).withTolerationSeconds(seconds).build();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no tolerations: evict now", List.of(), List.of(UNREACHABLE), 0L),
        Arguments.of("exists without seconds: forever", List.of(tol(null, "Exists", null, null, null)), List.of(UNREACHABLE, CUSTOM), -1L),
        Arguments.of("seconds of the matching toleration", List.of(tol("node.kubernetes.io/unreachable", "Exists", null, "NoExecute", 300L)), List.of(UNREACHABLE), 300L),
        Arguments.of("the smallest over taints", List.of(tol("node.kubernetes.io/unreachable", "Exists", null, "NoExecute", 300L),
            tol("dedicated", "Equal", "gpu", "NoExecute", 60L)), List.of(UNREACHABLE, CUSTOM), 60L),
        Arguments.of("one taint not tolerated: evict now", List.of(tol("node.kubernetes.io/unreachable", "Exists", null, "NoExecute", 300L)), List.of(UNREACHABLE, CUSTOM), 0L),
        Arguments.of("equal needs the value", List.of(tol("dedicated", "Equal", "cpu", null, null)), List.of(CUSTOM), 0L),
        Arguments.of("other effect does not match", List.of(tol("node.kubernetes.io/unreachable", "Exists", null, "NoSchedule", null)), List.of(UNREACHABLE), 0L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void minTolerationSeconds(String name, List<Toleration> tolerations, List<Taint> taints, long want) {
    assertThat(Taints.minTolerationSeconds(tolerations, taints)).isEqualTo(want);
  }
}
