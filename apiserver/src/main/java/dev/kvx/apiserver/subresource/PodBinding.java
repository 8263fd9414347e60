package dev.kvx.apiserver.subresource;

import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.rest.RequestInfo;
import dev.kvx.apiserver.rest.ResourceHandler;
import dev.kvx.apiserver.rest.ResourceOperations;
import dev.kvx.apiserver.rest.Responses;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST pods/NAME/binding} (and the older {@code POST namespaces/NS/bindings}): assigns a pod
 * to a node once, as the scheduler does. A pod that is already bound, or being deleted, answers 409.
 * Sets spec.nodeName and the PodScheduled=True condition in one write.
 */
public final class PodBinding implements ResourceHandler.SubresourceHandler {

  @Override
  public boolean handle(RoutingContext rc, RequestInfo info, ResourceType type, ResourceHandler resources) {
    boolean sub = "binding".equals(info.subresource()) && type.kind().equals("Pod") && type.group().isEmpty();
    if (!sub || !info.verb().equals("create")) {
      if (sub) {
        throw Statuses.methodNotSupported("", "pods/binding", info.verb());
      }
      return false;
    }
    ObjectNode binding = resources.decoder().decode(rc.request().getHeader("Content-Type"), rc.body().buffer());
    bind(rc, type, resources, info.namespace(), info.name(), binding);
    return true;
  }

  /** Binds {@code podName} to the binding's target node and answers 201 with a Status. */
  public static void bind(
      RoutingContext rc, ResourceType pods, ResourceHandler resources, String ns, String podName, ObjectNode binding) {
    String bindingName = Json.text(binding, "metadata", "name");
    if (bindingName != null && !bindingName.isEmpty() && !bindingName.equals(podName)) {
      throw Statuses.badRequest("the name of the object (" + bindingName
          + ") does not match the name on the URL (" + podName + ")");
    }
    String node = Json.text(binding, "target", "name");
    if (node == null || node.isEmpty()) {
      throw Statuses.invalid("", "Binding", podName, "FieldValueRequired", "target.name", "Required value");
    }
    boolean dryRun = "All".equals(rc.queryParams().get("dryRun"));
    Future<ObjectNode> done = resources.operations().guaranteedUpdate(pods, ns, podName, ResourceOperations.UNRESTRICTED, dryRun,
        pod -> {
          if (pod.path("metadata").has("deletionTimestamp")) {
            throw Statuses.conflict("", "pods/binding", podName, "pod " + podName + " is being deleted, cannot be assigned to a host");
          }
          String current = Json.text(pod, "spec", "nodeName");
          if (current != null && !current.isEmpty()) {
            throw Statuses.conflict("", "pods/binding", podName,
                "pod " + podName + " is already assigned to node \"" + current + "\"");
          }
          Json.with(pod, "spec").put("nodeName", node);
          setScheduled(pod);
          return pod;
        });
    done.onSuccess(p -> {
      ObjectNode status = Statuses.success();
      status.put("code", 201);
      Responses.json(rc, 201, status);
    }).onFailure(t -> Responses.error(rc, t));
  }

  private static void setScheduled(ObjectNode pod) {
    ObjectNode status = Json.with(pod, "status");
    JsonNode existing = status.get("conditions");
    ArrayNode conditions = existing instanceof ArrayNode a ? a : status.putArray("conditions");
    for (int i = conditions.size() - 1; i >= 0; i--) {
      if ("PodScheduled".equals(conditions.get(i).path("type").asString())) {
        conditions.remove(i);
      }
    }
    ObjectNode c = conditions.addObject();
    c.put("type", "PodScheduled");
    c.put("status", "True");
    c.putNull("lastProbeTime");
    c.put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
  }
}
