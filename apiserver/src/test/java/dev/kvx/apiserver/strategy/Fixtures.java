package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import dev.kvx.apiserver.json.Json;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** Tiny builders for strategy tests: YAML in, the generic create/update steps, causes out. */
final class Fixtures {

  private Fixtures() {}

  static final String UID = "0b6e3c1e-5d6f-4a7e-9c2b-000000000001";

  static ObjectNode yaml(String text) {
    return (ObjectNode) Json.YAML.readTree(text);
  }

  /** What the generic create does before the strategy: uid and namespace. */
  static ObjectNode created(ResourceStrategy s, ObjectNode obj) {
    ObjectNode meta = Json.with(obj, "metadata");
    meta.put("uid", UID);
    if (!meta.has("namespace")) {
      meta.put("namespace", "default");
    }
    s.prepareForCreate(obj);
    return obj;
  }

  /** Create and validate: the causes as {@code field: message} lines. */
  static List<String> createCauses(ResourceStrategy s, ObjectNode obj) {
    return render(s.validate(created(s, obj)));
  }

  /** Update of a created object (its status kept, as the generic code does). */
  static List<String> updateCauses(ResourceStrategy s, ObjectNode old, ObjectNode next) {
    ObjectNode meta = Json.with(next, "metadata");
    meta.put("uid", UID);
    if (old.has("status")) {
      next.set("status", old.get("status").deepCopy());
    }
    s.prepareForUpdate(next, old);
    return render(s.validateUpdate(next, old));
  }

  static List<String> render(List<Cause> causes) {
    return causes.stream().map(c -> c.field() + ": " + c.message()).toList();
  }

  static String at(ObjectNode obj, String pointer) {
    return obj.at(pointer).isMissingNode() ? null : obj.at(pointer).asString();
  }
}
