package dev.kvx.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpansionTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "plain|plain",
        "$(A)|a",
        "x-$(A)-$(B)|x-a-b",
        "$(MISSING)|$(MISSING)",
        "$$(A)|$(A)",
        "$$|$",
        "cost $5|cost $5",
        "$(A|$(A",
        "tail$|tail$",
      })
  void expandsDefinedReferences(String input, String expected) {
    assertThat(Expansion.expand(input, Map.of("A", "a", "B", "b"))).isEqualTo(expected);
  }
}
