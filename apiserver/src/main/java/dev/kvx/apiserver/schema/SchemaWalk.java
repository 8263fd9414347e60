package dev.kvx.apiserver.schema;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One pass of an object along its schema, as upstream's JSON decoder makes it into the Go types:
 * unknown fields are found (and dropped when pruning, as the decoder drops them), nulls of known
 * fields are dropped (the decoder leaves the zero value, which is omitted again on encode), and the
 * first value of the wrong JSON type is reported in the decoder's words.
 */
final class SchemaWalk {

  /** Upstream's grammar of quantities (k8s.io/apimachinery/pkg/api/resource). */
  static final String QUANTITY_REGEX = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

  private static final Pattern QUANTITY = Pattern.compile(QUANTITY_REGEX);

  /** Unknown field paths ({@code spec.containers[0].foo}) in document order. */
  final List<String> unknown = new ArrayList<>();

  /** The decoder's message for the first mistyped value, or null. */
  String typeError;

  private final boolean prune;

  private SchemaWalk(boolean prune) {
    this.prune = prune;
  }

  /** Walks {@code obj} along {@code root}; with {@code prune} it also drops unknown fields and nulls. */
  static SchemaWalk walk(Schema root, ObjectNode obj, boolean prune) {
    SchemaWalk w = new SchemaWalk(prune);
    String owner = root.modelClass() == null ? "" : root.modelClass().getSimpleName();
    w.visit(root, obj, "", "", owner);
    return w;
  }

  /** Whether a string is a quantity upstream's parser and fabric8's both accept. */
  static boolean isQuantity(String s) {
    if (!QUANTITY.matcher(s).matches()) {
      return false;
    }
    try {
      Quantity.parse(s).getNumericalAmount();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * @param path the field path with list indices, as upstream's strict decoding names fields
   * @param goPath the dotted path without indices, as Go's decoder names fields in type errors
   * @param owner the Go struct that holds the current field
   */
  private void visit(Schema s, JsonNode n, String path, String goPath, String owner) {
    if (n == null || n.isNull()) {
      return;
    }
    switch (s.type()) {
      case OBJECT -> {
        if (!n.isObject()) {
          mismatch(n, goPath, owner, s);
        } else if (s.isMap()) {
          for (Map.Entry<String, JsonNode> e : n.properties()) {
            visit(s.additionalProperties(), e.getValue(), path + "[" + e.getKey() + "]", goPath, owner);
          }
        } else if (s.isBean()) {
          visitBean(s, (ObjectNode) n, path, goPath);
        }
      }
      case ARRAY -> {
        if (!n.isArray()) {
          mismatch(n, goPath, owner, s);
          return;
        }
        ArrayNode a = (ArrayNode) n;
        for (int i = 0; i < a.size(); i++) {
          visit(s.items(), a.get(i), path + "[" + i + "]", goPath, owner);
        }
      }
      case STRING -> {
        if (!n.isString()) {
          mismatch(n, goPath, owner, s);
        }
      }
      case INTEGER -> {
        boolean int32 = !"int64".equals(s.format());
        if (!n.isIntegralNumber() || (int32 && !n.canConvertToInt()) || !n.canConvertToLong()) {
          mismatch(n, goPath, owner, s);
        }
      }
      case NUMBER -> {
        if (!n.isNumber()) {
          mismatch(n, goPath, owner, s);
        }
      }
      case BOOLEAN -> {
        if (!n.isBoolean()) {
          mismatch(n, goPath, owner, s);
        }
      }
      case INT_OR_STRING -> {
        if (!n.isString() && !(n.isIntegralNumber() && n.canConvertToInt())) {
          mismatch(n, goPath, owner, s);
        }
      }
      case QUANTITY -> {
        boolean ok = n.isNumber() || (n.isString() && isQuantity(n.asString()));
        if (!ok && typeError == null) {
          typeError = "quantities must match the regular expression '" + QUANTITY_REGEX + "'";
        }
      }
      case ANY -> { }
    }
  }

  private void visitBean(Schema s, ObjectNode o, String path, String goPath) {
    String owner = s.modelClass().getSimpleName();
    List<String> drop = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      String name = e.getKey();
      String childPath = path.isEmpty() ? name : path + "." + name;
      Schema prop = s.property(name);
      if (prop == null) {
        unknown.add(childPath);
        drop.add(name);
      } else if (e.getValue().isNull()) {
        drop.add(name);
      } else {
        visit(prop, e.getValue(), childPath, goPath.isEmpty() ? name : goPath + "." + name, owner);
      }
    }
    if (prune) {
      drop.forEach(o::remove);
    }
  }

  private void mismatch(JsonNode n, String goPath, String owner, Schema expected) {
    if (typeError != null) {
      return;
    }
    String where = goPath.isEmpty() ? "Go value" : "Go struct field " + owner + "." + goPath;
    typeError = "json: cannot unmarshal " + jsonKind(n, expected) + " into " + where + " of type "
        + expected.goType();
  }

  /** Go's description of the offending JSON value: a number into an integer shows its literal. */
  private static String jsonKind(JsonNode n, Schema expected) {
    if (n.isNumber()) {
      boolean integral = expected.type() == Schema.Type.INTEGER
          || expected.type() == Schema.Type.INT_OR_STRING;
      return integral ? "number " + n.asString() : "number";
    }
    if (n.isString()) {
      return "string";
    }
    if (n.isBoolean()) {
      return "bool";
    }
    return n.isArray() ? "array" : "object";
  }
}
