package dev.kvx.apiserver.rest;

import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The patch formats of PATCH requests, applied to a copy of the current object. */
public final class Patches {

  public static final String JSON_PATCH = "application/json-patch+json";
  public static final String MERGE_PATCH = "application/merge-patch+json";
  public static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  public static final String APPLY_PATCH = "application/apply-patch+yaml";

  private Patches() {}

  /** The patch type of a Content-Type header (parameters dropped), or null. */
  public static String typeOf(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase();
  }

  /** Applies a JSON Patch (RFC 6902); a failed test or bad path is a 422/400 as upstream. */
  public static ObjectNode jsonPatch(ObjectNode current, byte[] patch) {
    JsonNode ops = parse(patch);
    if (!ops.isArray()) {
      throw Statuses.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
    }
    try {
      JsonNode out = JsonPatch.apply(ops, current);
      if (!out.isObject()) {
        throw Statuses.badRequest("the patch did not produce an object");
      }
      return (ObjectNode) out;
    } catch (JsonPatchException | IllegalArgumentException e) {
      throw Statuses.invalid("", "", "", "FieldValueInvalid", "patch", "the server rejected our request due to an"
          + " error in our request: " + e.getMessage());
    }
  }

  /** Applies a JSON Merge Patch (RFC 7386). */
  public static ObjectNode mergePatch(ObjectNode current, byte[] patch) {
    JsonNode p = parse(patch);
    if (!p.isObject()) {
      throw Statuses.badRequest("a merge patch must be a JSON object");
    }
    return (ObjectNode) merge(current, p);
  }

  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode out = target != null && target.isObject() ? (ObjectNode) target : Json.object();
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      if (e.getValue().isNull()) {
        out.remove(e.getKey());
      } else {
        out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue()));
      }
    }
    return out;
  }

  private static JsonNode parse(byte[] patch) {
    try {
      return Json.parse(patch);
    } catch (JacksonException e) {
      throw Statuses.badRequest("error decoding patch: " + e.getOriginalMessage());
    }
  }
}
