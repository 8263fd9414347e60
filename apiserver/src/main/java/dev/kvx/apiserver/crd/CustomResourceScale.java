package dev.kvx.apiserver.crd;

import dev.kvx.apiserver.cache.CachedObject;
import dev.kvx.apiserver.cache.WatchCache;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.rest.Patches;
import dev.kvx.apiserver.rest.RequestInfo;
import dev.kvx.apiserver.rest.ResourceHandler;
import dev.kvx.apiserver.rest.Responses;
import dev.kvx.apiserver.subresource.Scale;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code scale} subresource of custom resources (GET, PUT, PATCH of an autoscaling/v1 Scale),
 * mapped onto the paths the CRD version's {@code subresources.scale} names: specReplicasPath,
 * statusReplicasPath and labelSelectorPath. Declines requests for kinds that are not custom
 * resources, so register it before the built-in workloads' scale handler.
 */
public final class CustomResourceScale implements ResourceHandler.SubresourceHandler {

  private final WatchCache cache;

  public CustomResourceScale(WatchCache cache) {
    this.cache = cache;
  }

  @Override
  public boolean handle(RoutingContext rc, RequestInfo info, ResourceType type, ResourceHandler resources) {
    if (!"scale".equals(info.subresource()) || !type.hasSubresource("scale")) {
      return false;
    }
    Definition.ScalePaths paths = scalePaths(type);
    if (paths == null) {
      return false;
    }
    String ns = info.namespace();
    String name = info.name();
    boolean dryRun = "All".equals(rc.queryParams().get("dryRun"));
    Future<ObjectNode> result = switch (info.verb()) {
      case "get" -> resources.operations().store().get(type, ns, name);
      case "update" -> {
        ObjectNode scale = resources.decoder().decode(rc.request().getHeader("Content-Type"), rc.body().buffer());
        yield setReplicas(rc, resources, type, paths, ns, name, dryRun, current -> scale);
      }
      case "patch" -> {
        byte[] patch = rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes();
        String patchType = Patches.typeOf(rc.request().getHeader("Content-Type"));
        UnaryOperator<ObjectNode> apply = switch (patchType == null ? "" : patchType) {
          case Patches.JSON_PATCH -> current -> Patches.jsonPatch(current, patch);
          case Patches.MERGE_PATCH, Patches.STRATEGIC_MERGE_PATCH -> current -> Patches.mergePatch(current, patch);
          default -> throw Statuses.unsupportedMediaType(rc.request().getHeader("Content-Type"));
        };
        yield setReplicas(rc, resources, type, paths, ns, name, dryRun, apply);
      }
      default -> throw Statuses.methodNotSupported(type.group(), type.plural() + "/scale", info.verb());
    };
    result.onSuccess(obj -> Responses.json(rc, 200, toScale(obj, paths)))
        .onFailure(t -> Responses.error(rc, t));
    return true;
  }

  /** The scale paths of the CRD version serving {@code type}, or null for other kinds. */
  private Definition.ScalePaths scalePaths(ResourceType type) {
    CachedObject crd = cache.get(DefinitionController.CRD_PREFIX + type.plural() + "." + type.group());
    if (crd == null) {
      return null;
    }
    for (JsonNode v : crd.object().path("spec").path("versions")) {
      if (type.version().equals(Definition.text(v, "name"))) {
        JsonNode scale = v.path("subresources").get("scale");
        if (scale == null || !scale.isObject()) {
          return null;
        }
        return new Definition.ScalePaths(Definition.text(scale, "specReplicasPath"),
            Definition.text(scale, "statusReplicasPath"), Definition.text(scale, "labelSelectorPath"));
      }
    }
    return null;
  }

  private static Future<ObjectNode> setReplicas(
      RoutingContext rc, ResourceHandler resources, ResourceType type, Definition.ScalePaths paths, String ns,
      String name, boolean dryRun, UnaryOperator<ObjectNode> change) {
    String manager = ResourceHandler.manager(rc, "PUT".equals(rc.request().method().name()) ? "UpdateOptions" : "PatchOptions");
    return resources.operations().guaranteedUpdate(type, ns, name, "scale", dryRun, manager, obj -> {
      ObjectNode before = toScale(obj, paths);
      String rv = Json.text(before, "metadata", "resourceVersion");
      ObjectNode after = change.apply(before.deepCopy());
      JsonNode replicas = after.path("spec").get("replicas");
      long wanted = replicas == null || replicas.isNull() ? 0 : replicas.asLong();
      if (replicas != null && !replicas.isNull() && !replicas.isIntegralNumber() || wanted < 0) {
        throw Statuses.invalid("autoscaling", "Scale", name, "FieldValueInvalid", "spec.replicas",
            "Invalid value: " + (replicas == null ? "null" : GoFormat.badValue(replicas))
                + ": must be greater than or equal to 0");
      }
      String precondition = Json.text(after, "metadata", "resourceVersion");
      if (precondition != null && !precondition.isEmpty() && !precondition.equals(rv)) {
        throw Statuses.staleResourceVersion(type.group(), type.plural(), name);
      }
      ScalePath.setInt(obj, paths.specReplicasPath(), wanted);
      return obj;
    });
  }

  /** The autoscaling/v1 Scale of a custom resource (scaleFromCustomResource). */
  static ObjectNode toScale(ObjectNode obj, Definition.ScalePaths paths) {
    ObjectNode scale = Scale.scaleOf(obj);
    ObjectNode spec = scale.putObject("spec");
    long specReplicas = longAt(obj, paths.specReplicasPath());
    if (specReplicas != 0) {
      spec.put("replicas", specReplicas); // omitempty, as autoscalingv1.ScaleSpec
    }
    ObjectNode status = scale.putObject("status");
    status.put("replicas", longAt(obj, paths.statusReplicasPath()));
    if (paths.labelSelectorPath() != null && !paths.labelSelectorPath().isEmpty()) {
      JsonNode selector = ScalePath.get(obj, paths.labelSelectorPath());
      if (selector != null && selector.isString() && !selector.asString().isEmpty()) {
        status.put("selector", selector.asString());
      }
    }
    return scale;
  }

  private static long longAt(ObjectNode obj, String path) {
    if (path == null || path.isEmpty()) {
      return 0;
    }
    JsonNode v = ScalePath.get(obj, path);
    return v != null && v.isNumber() ? v.asLong() : 0;
  }
}
