package dev.kvx.apiserver.crd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What apiextensions-apiserver does to a custom resource before validating it: unknown fields that
 * the schema does not cover are pruned (apiVersion, kind and metadata of the resource and of
 * embedded resources always stay; metadata keeps only ObjectMeta's fields), nulls of non-nullable
 * fields are dropped or replaced by their default, and absent fields with a {@code default} are
 * filled in. Works in place on an object the caller owns.
 */
final class SchemaPruning {

  /** The fields of metav1.ObjectMeta; anything else under metadata is dropped, as decoding does. */
  static final Set<String> OBJECT_META = Set.of("name", "generateName", "namespace", "selfLink", "uid",
      "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
      "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields");

  private static final Set<String> RESOURCE_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private SchemaPruning() {}

  /**
   * Prunes {@code obj} along {@code root} and returns the paths of the unknown fields removed
   * ({@code spec.foo}, {@code spec.items[0].bar}), as upstream names them in warnings.
   */
  static List<String> prune(StructuralSchema root, ObjectNode obj) {
    List<String> removed = new ArrayList<>();
    walk(root, obj, "", true, removed);
    return removed;
  }

  private static void walk(StructuralSchema s, JsonNode node, String path, boolean resource, List<String> removed) {
    if (node instanceof ObjectNode obj) {
      for (String key : new ArrayList<>(obj.propertyNames())) {
        String child = path.isEmpty() ? key : path + "." + key;
        JsonNode value = obj.get(key);
        if (resource && RESOURCE_FIELDS.contains(key)) {
          if (key.equals("metadata") && value instanceof ObjectNode meta) {
            for (String f : new ArrayList<>(meta.propertyNames())) {
              if (!OBJECT_META.contains(f)) {
                meta.remove(f);
                removed.add(child + "." + f);
              }
            }
          }
          continue;
        }
        StructuralSchema field = s.properties.get(key);
        if (field == null) {
          field = s.additionalProperties;
        }
        if (field != null) {
          if (value.isNull() && !field.nullable) {
            // Upstream prunes nulls of non-nullable fields, or defaults them when it can.
            if (field.defaultValue != null) {
              obj.set(key, field.defaultValue.deepCopy());
            } else {
              obj.remove(key);
            }
            continue;
          }
          walk(field, value, child, field.embeddedResource, removed);
        } else if (!s.additionalPropertiesAny && !s.preserveUnknownFields) {
          obj.remove(key);
          removed.add(child);
        }
      }
    } else if (node instanceof ArrayNode array && s.items != null) {
      for (int i = 0; i < array.size(); i++) {
        walk(s.items, array.get(i), path + "[" + i + "]", s.items.embeddedResource, removed);
      }
    }
  }

  /** Fills in absent (or null, non-nullable) fields that have a default, recursively. */
  static void applyDefaults(StructuralSchema s, JsonNode node) {
    if (node instanceof ObjectNode obj) {
      for (Map.Entry<String, StructuralSchema> p : s.properties.entrySet()) {
        StructuralSchema field = p.getValue();
        JsonNode v = obj.get(p.getKey());
        if (field.defaultValue != null && (v == null || v.isNull() && !field.nullable)) {
          obj.set(p.getKey(), field.defaultValue.deepCopy());
        }
      }
      for (Map.Entry<String, JsonNode> e : obj.properties()) {
        StructuralSchema field = s.properties.get(e.getKey());
        if (field == null) {
          field = s.additionalProperties;
        }
        if (field != null) {
          applyDefaults(field, e.getValue());
        }
      }
    } else if (node instanceof ArrayNode array && s.items != null) {
      array.forEach(item -> applyDefaults(s.items, item));
    }
  }
}
