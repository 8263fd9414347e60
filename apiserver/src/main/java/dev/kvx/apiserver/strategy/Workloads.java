package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the controllers' kinds share: pod-template defaulting, the selector/template rules of
 * upstream's {@code ValidatePodTemplateSpecForReplicaSet} (and its DaemonSet/StatefulSet twins),
 * non-negative counts, int-or-percent values and immutable selectors.
 */
final class Workloads {

  private Workloads() {}

  private static final Pattern PERCENT = Pattern.compile("^[0-9]+%$");

  /** Pod spec defaults inside {@code spec.template}. */
  static void defaultTemplate(JsonNode spec) {
    ObjectNode template = Nodes.objectOrNull(spec, "template");
    PodSpecDefaults.apply(Nodes.objectOrNull(template, "spec"));
  }

  static void nonNegative(JsonNode parent, String field, FieldPath path, List<Cause> out) {
    Long v = Nodes.integer(parent, field);
    if (v != null && v < 0) {
      out.add(FieldErrors.invalid(path.child(field), v, "must be greater than or equal to 0"));
    }
  }

  /**
   * The selector and template of a ReplicaSet-like spec: the selector is required, valid and
   * non-empty, it matches the template's labels, and the template is a valid pod template whose
   * restartPolicy is Always.
   *
   * @param kindWord the word upstream puts in "empty selector is invalid for …"
   * @param kindName the kind upstream names in "activeDeadlineSeconds in … is not Supported"
   */
  static List<Cause> selectorAndTemplate(JsonNode spec, FieldPath specPath, String kindWord, String kindName) {
    return selectorAndTemplate(spec, specPath, kindWord, kindName, true);
  }

  /**
   * As {@link #selectorAndTemplate(JsonNode, FieldPath, String, String)}; without
   * {@code validatePodSpec} only the template's metadata is checked, as upstream does for
   * StatefulSets (whose mounts may name volumeClaimTemplates, which a pod spec check would refuse).
   */
  static List<Cause> selectorAndTemplate(
      JsonNode spec, FieldPath specPath, String kindWord, String kindName, boolean validatePodSpec) {
    List<Cause> out = new ArrayList<>();
    JsonNode selector = spec.get("selector");
    FieldPath selectorPath = specPath.child("selector");
    boolean hasSelector = selector != null && selector.isObject();
    if (!hasSelector) {
      out.add(FieldErrors.required(selectorPath));
    } else {
      out.addAll(LabelSelectors.validate(selector, selectorPath));
      if (LabelSelectors.isEmpty(selector)) {
        out.add(FieldErrors.invalid(selectorPath, GoValues.labelSelector(selector), "empty selector is invalid for " + kindWord));
      }
    }
    JsonNode template = spec.get("template");
    FieldPath templatePath = specPath.child("template");
    if (template == null || !template.isObject()) {
      out.add(FieldErrors.required(templatePath));
      return out;
    }
    out.addAll(selectorMatchesTemplate(selector, template, templatePath));
    out.addAll(validatePodSpec ? podTemplate(template, templatePath)
        : MetaValidation.templateMeta(template.get("metadata"), templatePath.child("metadata")));
    ObjectNode podSpec = Nodes.objectOrNull(template, "spec");
    String restart = Nodes.text(podSpec, "restartPolicy");
    if (podSpec != null && !restart.isEmpty() && !restart.equals("Always")) {
      out.add(FieldErrors.notSupported(templatePath.child("spec", "restartPolicy"), restart, List.of("Always")));
    }
    if (podSpec != null && podSpec.has("activeDeadlineSeconds") && !podSpec.get("activeDeadlineSeconds").isNull()) {
      out.add(FieldErrors.forbidden(templatePath.child("spec", "activeDeadlineSeconds"),
          "activeDeadlineSeconds in " + kindName + " is not Supported"));
    }
    return out;
  }

  /** A non-empty selector must match the template's labels (a missing selector matches nothing). */
  static List<Cause> selectorMatchesTemplate(JsonNode selector, JsonNode template, FieldPath templatePath) {
    boolean empty = selector != null && selector.isObject() && LabelSelectors.isEmpty(selector);
    JsonNode labels = template.path("metadata").get("labels");
    if (!empty && !LabelSelectors.matches(selector, Nodes.stringMap(template.get("metadata"), "labels"))) {
      return List.of(FieldErrors.invalid(templatePath.child("metadata", "labels"),
          new GoValues.Raw(labels == null || labels.isNull() ? "map[string]string(nil)" : GoValues.stringMap(labels)),
          "`selector` does not match template `labels`"));
    }
    return List.of();
  }

  /** {@code ValidatePodTemplateSpec}: template labels/annotations and the pod spec. */
  static List<Cause> podTemplate(JsonNode template, FieldPath templatePath) {
    List<Cause> out = new ArrayList<>(MetaValidation.templateMeta(template.get("metadata"), templatePath.child("metadata")));
    out.addAll(PodSpecValidation.validate(template.get("spec"), templatePath.child("spec")));
    return out;
  }

  /** {@code ValidateImmutableField} on {@code spec.selector}. */
  static List<Cause> immutableSelector(JsonNode spec, JsonNode oldSpec, FieldPath specPath) {
    if (Nodes.same(spec.get("selector"), oldSpec.get("selector"))) {
      return List.of();
    }
    return List.of(FieldErrors.immutable(specPath.child("selector"), GoValues.labelSelector(spec.get("selector"))));
  }

  /** {@code ValidatePositiveIntOrPercent} and {@code IsNotMoreThan100Percent} (when asked). */
  static void intOrPercent(JsonNode parent, String field, FieldPath path, boolean atMost100, List<Cause> out) {
    JsonNode v = parent == null ? null : parent.get(field);
    if (v == null || v.isNull()) {
      return;
    }
    FieldPath p = path.child(field);
    if (v.isString()) {
      if (!PERCENT.matcher(v.asString()).matches()) {
        out.add(FieldErrors.invalid(p, v.asString(), "must be an integer or percentage (e.g '5%')"));
      } else if (atMost100 && Long.parseLong(v.asString().replace("%", "")) > 100) {
        out.add(FieldErrors.invalid(p, v.asString(), "must not be greater than 100%"));
      }
    } else if (v.isIntegralNumber() && v.asLong() < 0) {
      out.add(FieldErrors.invalid(p, v.asLong(), "must be greater than or equal to 0"));
    }
  }

  /** The value of an int-or-percent as upstream's getIntOrPercentValue reads it. */
  static long intOrPercentValue(JsonNode v) {
    if (v == null || v.isNull()) {
      return 0;
    }
    if (v.isString()) {
      String s = v.asString().replace("%", "");
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return v.asLong();
  }

  /** Go's {@code %#v} of an {@code intstr.IntOrString}. */
  static GoValues.Raw intOrStringValue(JsonNode v) {
    if (v != null && v.isString()) {
      return new GoValues.Raw("intstr.IntOrString{Type:1, IntVal:0, StrVal:" + GoValues.quote(v.asString()) + "}");
    }
    long i = v == null || v.isNull() ? 0 : v.asLong();
    return new GoValues.Raw("intstr.IntOrString{Type:0, IntVal:" + i + ", StrVal:\"\"}");
  }

  /** Both rolling-update knobs zero leaves nothing to roll with. */
  static void notBothZero(JsonNode rollingUpdate, FieldPath path, List<Cause> out) {
    JsonNode maxUnavailable = rollingUpdate.get("maxUnavailable");
    if (intOrPercentValue(maxUnavailable) == 0 && intOrPercentValue(rollingUpdate.get("maxSurge")) == 0) {
      out.add(FieldErrors.invalid(path.child("maxUnavailable"), intOrStringValue(maxUnavailable),
          "may not be 0 when `maxSurge` is 0"));
    }
  }
}
