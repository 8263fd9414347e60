package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Label and annotation rules for metadata the generic code does not see (pod templates). */
final class MetaValidation {

  private MetaValidation() {}

  /** {@code ValidateLabels}: each key a qualified name, each value a label value. */
  static List<Cause> labels(JsonNode labels, FieldPath path) {
    List<Cause> out = new ArrayList<>();
    if (labels == null || !labels.isObject()) {
      return out;
    }
    for (Map.Entry<String, JsonNode> e : labels.properties()) {
      for (String m : NameRules.qualifiedName(e.getKey())) {
        out.add(FieldErrors.invalid(path, e.getKey(), m));
      }
      String v = e.getValue().isString() ? e.getValue().asString() : e.getValue().toString();
      for (String m : NameRules.labelValue(v)) {
        out.add(FieldErrors.invalid(path, v, m));
      }
    }
    return out;
  }

  /** {@code ValidateAnnotations}: keys are qualified names (lower-cased, as upstream checks). */
  static List<Cause> annotations(JsonNode annotations, FieldPath path) {
    List<Cause> out = new ArrayList<>();
    if (annotations == null || !annotations.isObject()) {
      return out;
    }
    for (Map.Entry<String, JsonNode> e : annotations.properties()) {
      for (String m : NameRules.qualifiedName(e.getKey().toLowerCase())) {
        out.add(FieldErrors.invalid(path, e.getKey(), m));
      }
    }
    return out;
  }

  /** The metadata of a pod template: labels and annotations. */
  static List<Cause> templateMeta(JsonNode meta, FieldPath path) {
    List<Cause> out = new ArrayList<>();
    if (meta == null || !meta.isObject()) {
      return out;
    }
    out.addAll(labels(meta.get("labels"), path.child("labels")));
    out.addAll(annotations(meta.get("annotations"), path.child("annotations")));
    return out;
  }
}
