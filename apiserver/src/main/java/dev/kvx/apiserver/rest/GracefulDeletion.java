package dev.kvx.apiserver.rest;

import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which deletes wait, as upstream's pod strategy CheckGracefulDelete: a scheduled, unfinished pod
 * is only marked (deletionTimestamp = now + grace) until its kubelet confirms with grace 0;
 * unscheduled or finished pods go at once. Namespaces with spec.finalizers move to Terminating
 * until the namespace controller has emptied and finalized them.
 */
final class GracefulDeletion {

  private static final long DEFAULT_POD_GRACE_SECONDS = 30;

  private GracefulDeletion() {}

  static boolean isPod(ResourceType type) {
    return type.group().isEmpty() && type.kind().equals("Pod");
  }

  static boolean isNamespace(ResourceType type) {
    return type.group().isEmpty() && type.kind().equals("Namespace");
  }

  /** The grace period this delete gets, in seconds; 0 deletes at once. */
  static long gracePeriod(ResourceType type, ObjectNode obj, Long requested) {
    if (!isPod(type)) {
      return 0;
    }
    long grace;
    if (requested != null) {
      grace = requested < 0 ? 1 : requested;
    } else {
      JsonNode spec = obj.path("spec").get("terminationGracePeriodSeconds");
      grace = spec != null && spec.isNumber() ? spec.asLong() : DEFAULT_POD_GRACE_SECONDS;
    }
    String node = Json.text(obj, "spec", "nodeName");
    String phase = Json.text(obj, "status", "phase");
    if (node == null || node.isEmpty() || "Succeeded".equals(phase) || "Failed".equals(phase)) {
      return 0;
    }
    return grace;
  }

  static String deadline(long graceSeconds) {
    return Instant.now().plusSeconds(graceSeconds).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
