package dev.kvx.apiserver.subresource;

import dev.kvx.apiserver.cache.CachedObject;
import dev.kvx.apiserver.cache.WatchCache;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.rest.RequestInfo;
import dev.kvx.apiserver.rest.ResourceHandler;
import dev.kvx.apiserver.rest.ResourceOperations;
import dev.kvx.apiserver.rest.Responses;
import dev.kvx.apiserver.selection.LabelSelector;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST pods/NAME/eviction}: a delete that honours PodDisruptionBudgets. When a budget
 * covering the pod allows no disruption the answer is 429, as upstream; otherwise the budget's
 * disruptionsAllowed is decremented and the pod deleted with the eviction's DeleteOptions.
 */
public final class PodEviction implements ResourceHandler.SubresourceHandler {

  private final ResourceRegistry registry;
  private final WatchCache cache;

  public PodEviction(ResourceRegistry registry, WatchCache cache) {
    this.registry = registry;
    this.cache = cache;
  }

  @Override
  public boolean handle(RoutingContext rc, RequestInfo info, ResourceType pods, ResourceHandler resources) {
    if (!"eviction".equals(info.subresource()) || !pods.kind().equals("Pod") || !pods.group().isEmpty()) {
      return false;
    }
    if (!info.verb().equals("create")) {
      throw Statuses.methodNotSupported("", "pods/eviction", info.verb());
    }
    ObjectNode eviction = resources.decoder().decode(rc.request().getHeader("Content-Type"), rc.body().buffer());
    String ns = info.namespace();
    String name = info.name();
    ResourceType pdbs = registry.find("policy", "v1", "poddisruptionbudgets").orElseThrow();
    ResourceOperations ops = resources.operations();
    JsonNode opts = eviction.path("deleteOptions");
    ResourceOperations.DeleteOptions delete = new ResourceOperations.DeleteOptions(
        opts.hasNonNull("propagationPolicy") ? opts.get("propagationPolicy").asString() : null,
        opts.hasNonNull("gracePeriodSeconds") ? opts.get("gracePeriodSeconds").asLong() : null,
        opts.path("preconditions").hasNonNull("uid") ? opts.path("preconditions").get("uid").asString() : null,
        opts.path("preconditions").hasNonNull("resourceVersion")
            ? opts.path("preconditions").get("resourceVersion").asString() : null,
        "All".equals(rc.queryParams().get("dryRun")));
    ops.store().get(pods, ns, name)
        .compose(pod -> cache.sync(Vertx.currentContext()).map(rev -> pod))
        .compose(pod -> {
          String phase = Json.text(pod, "status", "phase");
          if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return ops.delete(pods, ns, name, delete);
          }
          ObjectNode budget = coveringBudget(pdbs, ns, pod);
          if (budget == null) {
            return ops.delete(pods, ns, name, delete);
          }
          String budgetName = Json.text(budget, "metadata", "name");
          return ops.guaranteedUpdate(pdbs, ns, budgetName, "status", delete.dryRun(), pdb -> {
            int allowed = pdb.path("status").path("disruptionsAllowed").asInt(0);
            if (allowed < 1) {
              throw Statuses.tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 10);
            }
            Json.with(pdb, "status").put("disruptionsAllowed", allowed - 1);
            return pdb;
          }).compose(pdb -> ops.delete(pods, ns, name, delete));
        })
        .onSuccess(r -> {
          ObjectNode status = Statuses.success();
          status.put("code", 201);
          Responses.json(rc, 201, status);
        })
        .onFailure(t -> Responses.error(rc, t));
    return true;
  }

  private ObjectNode coveringBudget(ResourceType pdbs, String ns, ObjectNode pod) {
    Map<String, String> labels = new HashMap<>();
    pod.path("metadata").path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
    for (CachedObject c : cache.list(pdbs.prefix(ns)).items()) {
      JsonNode selector = c.object().path("spec").path("selector");
      if (selector.isMissingNode() || selector.isNull()) {
        continue;
      }
      String s = Scale.selectorString(selector);
      if (!s.isEmpty() && LabelSelector.parse(s).test(labels)) {
        return c.object();
      }
    }
    return null;
  }
}
