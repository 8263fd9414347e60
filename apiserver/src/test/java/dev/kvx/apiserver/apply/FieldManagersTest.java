package dev.kvx.apiserver.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.errors.StatusException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Who a write belongs to, and upstream's checks of fieldManager and force. */
class FieldManagersTest {

  @ParameterizedTest(name = "{1} → {2}")
  @CsvSource(delimiter = '|', value = {
      "kubectl-edit|kubectl/v1.32.0 (linux/amd64) kubernetes/abc|kubectl-edit",
      "|kubectl/v1.32.0 (linux/amd64) kubernetes/abc|kubectl",
      "|fabric8-kubernetes-client/8.0.0|fabric8-kubernetes-client",
      "|Go-http-client/1.1|Go-http-client",
      "|curl|curl"})
  void managerIsTheParameterElseTheUserAgentProduct(String param, String userAgent, String expected) {
    assertThat(FieldManagers.managerFor(param, userAgent)).isEqualTo(expected);
  }

  @Test
  void userAgentsAreCutTo128PrintableCharacters() {
    assertThat(FieldManagers.managerFor(null, "a\u0007b" + "x".repeat(300))).hasSize(128).startsWith("abx");
    assertThat(FieldManagers.managerFor(null, null)).isEmpty();
  }

  @Test
  void applyNeedsAFieldManager() {
    assertThatThrownBy(() -> FieldManagers.validate("PatchOptions", null, true, null))
        .isInstanceOfSatisfying(StatusException.class, e -> {
          assertThat(e.code()).isEqualTo(422);
          assertThat(e.getMessage()).isEqualTo("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required"
              + " value: is required for apply patch");
        });
    assertThatCode(() -> FieldManagers.validate("PatchOptions", "kubectl", true, "true")).doesNotThrowAnyException();
  }

  @Test
  void forceIsForApplyOnly() {
    assertThatThrownBy(() -> FieldManagers.validate("PatchOptions", "m", false, "true"))
        .hasMessage("PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply"
            + " patch");
  }

  @Test
  void fieldManagersAreShortAndPrintable() {
    assertThatThrownBy(() -> FieldManagers.validate("CreateOptions", "x".repeat(129), false, null))
        .hasMessageContaining("fieldManager: Too long: may not be more than 128 bytes");
    assertThatThrownBy(() -> FieldManagers.validate("UpdateOptions", "a\tb", false, null))
        .hasMessageContaining("invalid character U+0009 (at position 1)");
  }

  @ParameterizedTest(name = "force={0} → {1}")
  @CsvSource({"true,true", "false,false", "0,false", "1,true", "FALSE,false", "'',true"})
  void forceReadsAsKubernetesReadsBooleans(String value, boolean expected) {
    assertThat(FieldManagers.force(value)).isEqualTo(expected);
  }

  @Test
  void absentForceIsFalse() {
    assertThat(FieldManagers.force(null)).isFalse();
  }
}
