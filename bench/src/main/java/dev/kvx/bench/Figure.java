package dev.kvx.bench;

import dev.kvx.apiserver.json.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * One measured figure, printed as one JSON line (shared/DESIGN.md, "Performance harness"), e.g.
 * {@code {"bench":"apiserver","store":"etcd","figure":"creates_per_s","value":2310,"unit":"1/s",
 * "baseline":"etcd_puts_per_s","baseline_value":2650,"ratio":0.87}}.
 *
 * <p>{@code ratio} is {@code value / baseline_value}: above 1 is better for a rate, worse for a
 * latency. {@code store} says which API server storage backend produced the figure; it is absent
 * for the baselines themselves (and for benchmarks without a store).
 *
 * @param bench the benchmark's name
 * @param store the storage backend, or null
 * @param figure what was measured, with its unit as suffix ({@code _per_s}, {@code _ms})
 * @param value the measurement
 * @param unit {@code 1/s}, {@code ms}, {@code B}, …
 * @param baseline the figure this one is compared with, measured in the same run, or null
 * @param baselineValue that figure's value (ignored without a baseline)
 */
public record Figure(
    String bench,
    String store,
    String figure,
    double value,
    String unit,
    String baseline,
    double baselineValue) {

  /** A figure without a baseline. */
  public static Figure of(String bench, String store, String figure, double value, String unit) {
    return new Figure(bench, store, figure, value, unit, null, 0);
  }

  /** This figure compared with {@code baseline} (another figure of the same run). */
  public Figure against(Figure baseline) {
    return new Figure(bench, store, figure, value, unit, baseline.figure(), baseline.value());
  }

  /** value / baseline value, or NaN without a baseline. */
  public double ratio() {
    return baseline == null || baselineValue == 0 ? Double.NaN : value / baselineValue;
  }

  /** The JSON line, without a line break. */
  public String toJson() {
    ObjectNode o = Json.object();
    o.put("bench", bench);
    if (store != null) {
      o.put("store", store);
    }
    o.put("figure", figure);
    putNumber(o, "value", value);
    o.put("unit", unit);
    if (baseline != null) {
      o.put("baseline", baseline);
      putNumber(o, "baseline_value", baselineValue);
      if (!Double.isNaN(ratio())) {
        o.put("ratio", round(ratio(), 2));
      }
    }
    return Json.string(o);
  }

  // Rates are whole numbers; latencies keep a tenth of a millisecond. More digits are noise here.
  private static void putNumber(ObjectNode o, String field, double v) {
    if (Math.abs(v) >= 100) {
      o.put(field, Math.round(v));
    } else {
      o.put(field, round(v, 1));
    }
  }

  private static double round(double v, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(v * scale) / scale;
  }
}
