package dev.kvx.apiserver.subresource;

import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.rest.Patches;
import dev.kvx.apiserver.rest.RequestInfo;
import dev.kvx.apiserver.rest.ResourceHandler;
import dev.kvx.apiserver.rest.Responses;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code scale} subresource of Deployments, ReplicaSets and StatefulSets: an autoscaling/v1
 * Scale view of spec.replicas (GET, PUT, PATCH), as {@code kubectl scale} and HPAs use it.
 */
public final class Scale implements ResourceHandler.SubresourceHandler {

  @Override
  public boolean handle(RoutingContext rc, RequestInfo info, ResourceType type, ResourceHandler resources) {
    if (!"scale".equals(info.subresource()) || !type.hasSubresource("scale")) {
      return false;
    }
    String ns = info.namespace();
    String name = info.name();
    Future<ObjectNode> result = switch (info.verb()) {
      case "get" -> resources.operations().store().get(type, ns, name);
      case "update" -> {
        ObjectNode scale = resources.decoder().decode(rc.request().getHeader("Content-Type"), rc.body().buffer());
        yield setReplicas(rc, type, resources, ns, name, current -> scale);
      }
      case "patch" -> {
        byte[] patch = rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes();
        String patchType = Patches.typeOf(rc.request().getHeader("Content-Type"));
        yield setReplicas(rc, type, resources, ns, name, current -> switch (patchType == null ? "" : patchType) {
          case Patches.JSON_PATCH -> Patches.jsonPatch(current, patch);
          case Patches.MERGE_PATCH, Patches.STRATEGIC_MERGE_PATCH -> Patches.mergePatch(current, patch);
          default -> throw Statuses.unsupportedMediaType(rc.request().getHeader("Content-Type"));
        });
      }
      default -> throw Statuses.methodNotSupported(type.group(), type.plural() + "/scale", info.verb());
    };
    result.onSuccess(obj -> Responses.json(rc, 200, toScale(obj))).onFailure(t -> Responses.error(rc, t));
    return true;
  }

  private static Future<ObjectNode> setReplicas(
      RoutingContext rc, ResourceType type, ResourceHandler resources, String ns, String name,
      java.util.function.UnaryOperator<ObjectNode> scaleChange) {
    boolean dryRun = "All".equals(rc.queryParams().get("dryRun"));
    // Recorded in managedFields with subresource "scale", as upstream, so an apply of spec.replicas
    // by another manager conflicts with whoever scaled.
    String manager = ResourceHandler.manager(rc, "PUT".equals(rc.request().method().name()) ? "UpdateOptions" : "PatchOptions");
    return resources.operations().guaranteedUpdate(type, ns, name, "scale", dryRun, manager, obj -> {
      ObjectNode before = toScale(obj);
      String rv = Json.text(before, "metadata", "resourceVersion");
      ObjectNode after = scaleChange.apply(before.deepCopy());
      JsonNode replicas = after.path("spec").get("replicas");
      if (replicas == null || !replicas.canConvertToInt() || replicas.asInt() < 0) {
        throw Statuses.invalid("autoscaling", "Scale", name, "FieldValueInvalid", "spec.replicas",
            "Invalid value: " + replicas + ": must be greater than or equal to 0");
      }
      String wanted = Json.text(after, "metadata", "resourceVersion");
      if (wanted != null && !wanted.isEmpty() && !wanted.equals(rv)) {
        throw Statuses.staleResourceVersion(type.group(), type.plural(), name);
      }
      Json.with(obj, "spec").put("replicas", replicas.asInt());
      return obj;
    });
  }

  /** The autoscaling/v1 Scale of a workload. */
  static ObjectNode toScale(ObjectNode obj) {
    ObjectNode scale = scaleOf(obj);
    scale.putObject("spec").put("replicas", obj.path("spec").path("replicas").asInt(1));
    ObjectNode status = scale.putObject("status");
    status.put("replicas", obj.path("status").path("replicas").asInt(0));
    status.put("selector", selectorString(obj.path("spec").path("selector")));
    return scale;
  }

  /**
   * An autoscaling/v1 Scale with {@code obj}'s identity (name, namespace, uid, resourceVersion,
   * creationTimestamp), as upstream's scale subresources copy it; the caller adds spec and status.
   */
  public static ObjectNode scaleOf(ObjectNode obj) {
    ObjectNode scale = Json.object();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    ObjectNode meta = scale.putObject("metadata");
    for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      JsonNode v = obj.path("metadata").get(f);
      if (v != null) {
        meta.set(f, v.deepCopy());
      }
    }
    return scale;
  }

  /** A LabelSelector in its string form (a=b,c in (d)), as Scale.status.selector carries it. */
  static String selectorString(JsonNode selector) {
    List<String> parts = new ArrayList<>();
    JsonNode labels = selector.path("matchLabels");
    if (labels.isObject()) {
      for (Map.Entry<String, JsonNode> e : labels.properties()) {
        parts.add(e.getKey() + "=" + e.getValue().asString());
      }
    }
    for (JsonNode expr : selector.path("matchExpressions")) {
      String key = expr.path("key").asString();
      List<String> values = new ArrayList<>();
      expr.path("values").forEach(v -> values.add(v.asString()));
      switch (expr.path("operator").asString()) {
        case "In" -> parts.add(key + " in (" + String.join(",", values) + ")");
        case "NotIn" -> parts.add(key + " notin (" + String.join(",", values) + ")");
        case "Exists" -> parts.add(key);
        case "DoesNotExist" -> parts.add("!" + key);
        default -> {}
      }
    }
    return String.join(",", parts);
  }
}
