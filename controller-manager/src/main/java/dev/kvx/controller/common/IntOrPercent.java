package dev.kvx.controller.common;

import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * apimachinery's {@code intstr.GetScaledValueFromIntOrPercent}: an integer, or a percentage of a
 * total rounded up or down.
 */
public final class IntOrPercent {
  private IntOrPercent() {}

  /**
   * The value of {@code v} for {@code total}; {@code fallback} when {@code v} is null.
   *
   * @throws IllegalArgumentException when {@code v} is a string that is not a percentage
   */
  public static int scaled(IntOrString v, int total, boolean roundUp, int fallback) {
    if (v == null) {
      return fallback;
    }
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    String s = v.getStrVal();
    if (s == null || !s.endsWith("%")) {
      throw new IllegalArgumentException("invalid value for IntOrString: invalid type: string is not a percentage");
    }
    int percent;
    try {
      percent = Integer.parseInt(s.substring(0, s.length() - 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid value \"" + s + "\": " + e.getMessage());
    }
    long scaled = (long) percent * total;
    return (int) (roundUp ? -Math.floorDiv(-scaled, 100) : Math.floorDiv(scaled, 100));
  }
}
