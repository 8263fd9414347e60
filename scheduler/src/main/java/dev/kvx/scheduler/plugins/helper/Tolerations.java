package dev.kvx.scheduler.plugins.helper;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.function.Predicate;

/** Taint/toleration matching as core/v1's helpers ({@code ToleratesTaint}). */
public final class Tolerations {
  private Tolerations() {}

  /**
   * Whether {@code t} tolerates {@code taint}: same effect (or none given), same key (or none
   * given, which with Exists tolerates everything), and Exists or an equal value.
   */
  public static boolean tolerates(Toleration t, Taint taint) {
    if (t.getEffect() != null
        && !t.getEffect().isEmpty()
        && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (t.getKey() != null && !t.getKey().isEmpty() && !t.getKey().equals(taint.getKey())) {
      return false;
    }
    String op = t.getOperator() == null ? "" : t.getOperator();
    return switch (op) {
      case "", "Equal" -> nullToEmpty(t.getValue()).equals(nullToEmpty(taint.getValue()));
      case "Exists" -> true;
      default -> false;
    };
  }

  public static boolean toleratesAny(List<Toleration> tolerations, Taint taint) {
    if (tolerations == null) {
      return false;
    }
    for (Toleration t : tolerations) {
      if (tolerates(t, taint)) {
        return true;
      }
    }
    return false;
  }

  /** The first taint passing {@code filter} that no toleration tolerates, or null. */
  public static Taint findMatchingUntoleratedTaint(
      List<Taint> taints, List<Toleration> tolerations, Predicate<Taint> filter) {
    if (taints == null) {
      return null;
    }
    for (Taint taint : taints) {
      if (filter.test(taint) && !toleratesAny(tolerations, taint)) {
        return taint;
      }
    }
    return null;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
