package dev.kvx.controller.common;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.Objects;

/** Whether a toleration tolerates a taint ({@code v1.Toleration.ToleratesTaint}). Pure. */
public final class Tolerations {
  private Tolerations() {}

  public static boolean tolerates(Toleration t, Taint taint) {
    if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (t.getKey() != null && !t.getKey().isEmpty() && !t.getKey().equals(taint.getKey())) {
      return false;
    }
    String op = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
    if ("Exists".equals(op)) {
      return true;
    }
    return "Equal".equals(op) && t.getKey() != null && !t.getKey().isEmpty()
        && Objects.equals(emptyToNull(t.getValue()), emptyToNull(taint.getValue()));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
