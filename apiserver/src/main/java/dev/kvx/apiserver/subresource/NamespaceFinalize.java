package dev.kvx.apiserver.subresource;

import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.rest.RequestInfo;
import dev.kvx.apiserver.rest.ResourceHandler;
import dev.kvx.apiserver.rest.ResourceOperations;
import dev.kvx.apiserver.rest.Responses;
import io.vertx.ext.web.RoutingContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code PUT namespaces/NAME/finalize}: the namespace controller's way to drop spec.finalizers
 * once it has emptied a terminating namespace. Only spec.finalizers is taken from the body; a
 * terminating namespace left with no finalizers is deleted.
 */
public final class NamespaceFinalize implements ResourceHandler.SubresourceHandler {

  @Override
  public boolean handle(RoutingContext rc, RequestInfo info, ResourceType type, ResourceHandler resources) {
    if (!"finalize".equals(info.subresource()) || !type.kind().equals("Namespace")) {
      return false;
    }
    if (!info.verb().equals("update")) {
      throw Statuses.methodNotSupported("", "namespaces/finalize", info.verb());
    }
    ObjectNode body = resources.decoder().decode(rc.request().getHeader("Content-Type"), rc.body().buffer());
    JsonNode wanted = body.path("spec").get("finalizers");
    String rv = Json.text(body, "metadata", "resourceVersion");
    boolean dryRun = "All".equals(rc.queryParams().get("dryRun"));
    resources.operations().guaranteedUpdate(type, null, info.name(), ResourceOperations.UNRESTRICTED, dryRun, ns -> {
      if (rv != null && !rv.isEmpty()) {
        Json.with(ns, "metadata").put("resourceVersion", rv);
      }
      ObjectNode spec = Json.with(ns, "spec");
      if (wanted == null || wanted.isNull()) {
        spec.remove("finalizers");
      } else {
        spec.set("finalizers", wanted.deepCopy());
      }
      return ns;
    }).onSuccess(ns -> resources.writeObject(rc, 200, type, ns)).onFailure(t -> Responses.error(rc, t));
    return true;
  }
}
