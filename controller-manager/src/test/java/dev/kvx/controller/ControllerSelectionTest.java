package dev.kvx.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ControllerSelectionTest {
  private static final List<ControllerDescriptor> KNOWN = List.of(
      new ControllerDescriptor("replicaset-controller", List.of("replicaset"), true, ctx -> null),
      new ControllerDescriptor("deployment-controller", List.of("deployment"), true, ctx -> null),
      new ControllerDescriptor("optional-controller", List.of("optional"), false, ctx -> null));

  @ParameterizedTest(name = "--controllers={0}")
  @CsvSource(delimiter = ';', value = {
    "*; replicaset-controller deployment-controller",
    "*,-deployment; replicaset-controller",
    "*,-deployment-controller; replicaset-controller",
    "deployment; deployment-controller",
    "*,optional; replicaset-controller deployment-controller optional-controller",
    "-replicaset,*; deployment-controller",
    "''; ''",
  })
  void selectsAsUpstream(String flag, String want) {
    List<String> names = ControllerSelection.enabled(Arrays.asList(flag.split(",")), KNOWN).stream()
        .map(ControllerDescriptor::name).toList();
    assertThat(names).containsExactlyElementsOf(want.isEmpty() ? List.of() : Arrays.asList(want.split(" ")));
  }

  @Test
  void unknownNamesAreRejected() {
    assertThatThrownBy(() -> ControllerSelection.enabled(List.of("*", "-nope"), KNOWN))
        .hasMessageContaining("\"nope\" is not in the list of known controllers");
  }

  @Test
  void everyKnownControllerHasAnUpstreamNameAndAlias() {
    assertThat(KnownControllers.all()).extracting(ControllerDescriptor::name).allMatch(n -> n.endsWith("-controller"));
    assertThat(KnownControllers.all()).allMatch(d -> !d.aliases().isEmpty());
  }
}
