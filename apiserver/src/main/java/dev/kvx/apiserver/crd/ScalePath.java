package dev.kvx.apiserver.crd;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dotted paths of a CRD's scale subresource ({@code .spec.replicas}, {@code
 * .status.selector}): read and written the way {@code unstructured.NestedFieldNoCopy} walks maps.
 */
final class ScalePath {

  private ScalePath() {}

  private static String[] steps(String path) {
    return (path.startsWith(".") ? path.substring(1) : path).split("\\.");
  }

  /** The value at {@code path}, or null when a step is missing or not an object. */
  static JsonNode get(JsonNode obj, String path) {
    JsonNode n = obj;
    for (String step : steps(path)) {
      if (n == null || !n.isObject()) {
        return null;
      }
      n = n.get(step);
    }
    return n == null || n.isNull() ? null : n;
  }

  /** Sets {@code path} to an integer, creating the objects on the way. */
  static void setInt(ObjectNode obj, String path, long value) {
    String[] steps = steps(path);
    ObjectNode n = obj;
    for (int i = 0; i < steps.length - 1; i++) {
      JsonNode next = n.get(steps[i]);
      n = next instanceof ObjectNode o ? o : n.putObject(steps[i]);
    }
    n.put(steps[steps.length - 1], value);
  }
}
