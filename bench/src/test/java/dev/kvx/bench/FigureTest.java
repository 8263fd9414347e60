package dev.kvx.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FigureTest {

  @Test
  void rateAgainstItsBaselineIsOneJsonLineInDesignOrder() {
    Figure puts = Figure.of("apiserver", null, "etcd_puts_per_s", 2650.4, "1/s");
    Figure creates = Figure.of("apiserver", "etcd", "creates_per_s", 2310.2, "1/s").against(puts);

    assertThat(creates.toJson())
        .isEqualTo(
            "{\"bench\":\"apiserver\",\"store\":\"etcd\",\"figure\":\"creates_per_s\",\"value\":2310,"
                + "\"unit\":\"1/s\",\"baseline\":\"etcd_puts_per_s\",\"baseline_value\":2650,\"ratio\":0.87}");
  }

  @Test
  void figureWithoutBaselineHasNoRatioNorStore() {
    assertThat(Figure.of("apiserver", null, "etcd_list_p50_ms", 41.26, "ms").toJson())
        .isEqualTo(
            "{\"bench\":\"apiserver\",\"figure\":\"etcd_list_p50_ms\",\"value\":41.3,\"unit\":\"ms\"}");
  }

  @Test
  void latencyRatioIsValueOverBaseline() {
    Figure etcd = Figure.of("apiserver", null, "etcd_list_p50_ms", 40, "ms");
    Figure api = Figure.of("apiserver", "embedded", "list_p50_ms", 60, "ms").against(etcd);

    assertThat(api.ratio()).isEqualTo(1.5);
    assertThat(api.toJson()).contains("\"baseline_value\":40.0", "\"ratio\":1.5");
  }
}
