package dev.kvx.apiserver.selection;

import dev.kvx.apiserver.errors.Statuses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A parsed field selector ({@code a=b}, {@code a==b}, {@code a!=b}, comma-separated), checked
 * against the field labels each kind supports upstream. An unsupported field is a 400.
 */
public final class FieldSelector implements Predicate<ObjectNode> {

  record Requirement(String field, String value, boolean equals) {}

  /** Field labels beyond metadata.name/namespace, per kind, with the JSON path they read. */
  private static final Map<String, Map<String, String[]>> FIELDS = Map.of(
      "Pod", Map.of(
          "spec.nodeName", new String[] {"spec", "nodeName"},
          "spec.restartPolicy", new String[] {"spec", "restartPolicy"},
          "spec.schedulerName", new String[] {"spec", "schedulerName"},
          "spec.serviceAccountName", new String[] {"spec", "serviceAccountName"},
          "spec.hostNetwork", new String[] {"spec", "hostNetwork"},
          "status.phase", new String[] {"status", "phase"},
          "status.podIP", new String[] {"status", "podIP"},
          "status.nominatedNodeName", new String[] {"status", "nominatedNodeName"}),
      "Event", Map.ofEntries(
          Map.entry("involvedObject.kind", new String[] {"involvedObject", "kind"}),
          Map.entry("involvedObject.namespace", new String[] {"involvedObject", "namespace"}),
          Map.entry("involvedObject.name", new String[] {"involvedObject", "name"}),
          Map.entry("involvedObject.uid", new String[] {"involvedObject", "uid"}),
          Map.entry("involvedObject.apiVersion", new String[] {"involvedObject", "apiVersion"}),
          Map.entry("involvedObject.resourceVersion", new String[] {"involvedObject", "resourceVersion"}),
          Map.entry("involvedObject.fieldPath", new String[] {"involvedObject", "fieldPath"}),
          Map.entry("reason", new String[] {"reason"}),
          Map.entry("reportingComponent", new String[] {"reportingComponent"}),
          Map.entry("source", new String[] {"source", "component"}),
          Map.entry("type", new String[] {"type"})),
      "Secret", Map.of("type", new String[] {"type"}),
      "Node", Map.of("spec.unschedulable", new String[] {"spec", "unschedulable"}),
      "Namespace", Map.of("status.phase", new String[] {"status", "phase"}),
      "ReplicaSet", Map.of("status.replicas", new String[] {"status", "replicas"}),
      "Job", Map.of("status.successful", new String[] {"status", "successful"}));

  private static final FieldSelector EVERYTHING = new FieldSelector(List.of(), Map.of());
  private final List<Requirement> requirements;
  private final Map<String, String[]> paths;

  private FieldSelector(List<Requirement> requirements, Map<String, String[]> paths) {
    this.requirements = requirements;
    this.paths = paths;
  }

  public static FieldSelector everything() {
    return EVERYTHING;
  }

  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  /** The value an equality requirement asks of {@code field}, or null (e.g. metadata.name=x). */
  public String exactValue(String field) {
    for (Requirement r : requirements) {
      if (r.equals && r.field.equals(field)) {
        return r.value;
      }
    }
    return null;
  }

  public static FieldSelector parse(String text, String kind) {
    if (text == null || text.isBlank()) {
      return EVERYTHING;
    }
    Map<String, String[]> known = FIELDS.getOrDefault(kind, Map.of());
    List<Requirement> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int ne = p.indexOf("!=");
      int eq2 = p.indexOf("==");
      int eq = p.indexOf('=');
      String field;
      String value;
      boolean equals;
      if (ne >= 0) {
        field = p.substring(0, ne);
        value = p.substring(ne + 2);
        equals = false;
      } else if (eq2 >= 0) {
        field = p.substring(0, eq2);
        value = p.substring(eq2 + 2);
        equals = true;
      } else if (eq >= 0) {
        field = p.substring(0, eq);
        value = p.substring(eq + 1);
        equals = true;
      } else {
        throw Statuses.badRequest("invalid field selector: '" + p + "': is not a valid field selector:"
            + " a valid field selector must be of the form 'field=value', 'field==value' or 'field!=value'");
      }
      field = field.trim();
      if (!field.equals("metadata.name") && !field.equals("metadata.namespace") && !known.containsKey(field)) {
        throw Statuses.badRequest("field label not supported: " + field);
      }
      out.add(new Requirement(field, value.trim(), equals));
    }
    return new FieldSelector(List.copyOf(out), known);
  }

  @Override
  public boolean test(ObjectNode obj) {
    for (Requirement r : requirements) {
      String actual = value(obj, r.field);
      if (r.equals != r.value.equals(actual)) {
        return false;
      }
    }
    return true;
  }

  private String value(ObjectNode obj, String field) {
    String[] path = switch (field) {
      case "metadata.name" -> new String[] {"metadata", "name"};
      case "metadata.namespace" -> new String[] {"metadata", "namespace"};
      default -> paths.get(field);
    };
    JsonNode n = obj;
    for (String p : path) {
      n = n == null ? null : n.get(p);
    }
    if (n == null || n.isNull()) {
      // Upstream field sets render absent strings as "" and absent booleans as "false".
      return field.equals("spec.unschedulable") || field.equals("spec.hostNetwork") ? "false" : "";
    }
    return n.asString();
  }
}
