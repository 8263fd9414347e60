package dev.kvx.apiserver.crd;

import dev.kvx.apiserver.json.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The status the naming, establishing and finalizing controllers of apiextensions-apiserver give a
 * CRD: {@code acceptedNames} and the conditions NamesAccepted, Established and Terminating, with
 * their reasons and messages. Pure: computes a new status from the current one; a condition's
 * lastTransitionTime changes only when its status does.
 */
final class DefinitionStatus {

  private DefinitionStatus() {}

  /** Why the names were not accepted: a condition reason and message. */
  record Conflict(String reason, String message) {}

  /**
   * The desired status.
   *
   * @param accepted the names to publish, or null to keep the current acceptedNames (conflict)
   * @param conflict null when the names are accepted
   * @param established whether the resource is served
   * @param terminating the Terminating condition's reason and message, or null when not deleting
   */
  static ObjectNode desired(JsonNode currentStatus, ObjectNode accepted, Conflict conflict, boolean established,
      Conflict terminating, Instant now) {
    ObjectNode status = currentStatus instanceof ObjectNode o ? o.deepCopy() : Json.object();
    if (accepted != null) {
      status.set("acceptedNames", accepted);
    }
    if (conflict == null) {
      set(status, "NamesAccepted", "True", "NoConflicts", "no conflicts found", now);
    } else {
      set(status, "NamesAccepted", "False", conflict.reason(), conflict.message(), now);
    }
    if (established) {
      set(status, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted", now);
    } else {
      set(status, "Established", "False", "NotAccepted", "not all names are accepted", now);
    }
    if (terminating != null) {
      set(status, "Terminating", "True", terminating.reason(), terminating.message(), now);
    }
    return status;
  }

  private static void set(ObjectNode status, String type, String value, String reason, String message, Instant now) {
    JsonNode list = status.get("conditions");
    ArrayNode conditions = list instanceof ArrayNode a ? a : status.putArray("conditions");
    ObjectNode existing = null;
    for (JsonNode c : conditions) {
      if (type.equals(c.path("type").asString("")) && c instanceof ObjectNode o) {
        existing = o;
      }
    }
    if (existing == null) {
      existing = conditions.addObject();
    }
    if (!value.equals(existing.path("status").asString("")) || !existing.has("lastTransitionTime")) {
      existing.put("lastTransitionTime", now.truncatedTo(ChronoUnit.SECONDS).toString());
    }
    String time = existing.path("lastTransitionTime").asString();
    existing.removeAll();
    existing.put("type", type);
    existing.put("status", value);
    existing.put("lastTransitionTime", time);
    existing.put("reason", reason);
    existing.put("message", message);
  }
}
