package dev.kvx.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.apply.PatchMeta;
import dev.kvx.apiserver.apply.StrategicMergePatch;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The v3 documents hold what kubectl looks for: PATCH operations, schemas, patch extensions. */
class OpenApiV3Test {

  static final ResourceType WIDGETS = new ResourceType("example.com", "v1", "Widget", "widgets", "widget", true,
      List.of(), List.of(), Set.of("status"), "/registry/example.com/widgets/");

  private final ResourceRegistry registry = ResourceRegistry.withBuiltins();
  private final OpenApiV3 openApi = new OpenApiV3(registry);

  @Test
  void indexPointsAtEveryGroupVersionWithItsHash() {
    ObjectNode index = openApi.index();
    String url = index.at("/paths/apis~1apps~1v1/serverRelativeURL").asString();
    assertThat(url).isEqualTo("/openapi/v3/apis/apps/v1?hash=" + openApi.hash("apps", "v1"));
    assertThat(openApi.hash("apps", "v1")).matches("[0-9A-F]{128}");
    assertThat(index.at("/paths/api~1v1/serverRelativeURL").asString()).startsWith("/openapi/v3/api/v1?hash=");
  }

  @Test
  void everyPatchOperationNamesItsKindAndTakesFieldValidation() {
    for (String gv : List.of("/v1", "apps/v1", "batch/v1")) {
      String group = gv.substring(0, gv.indexOf('/'));
      ObjectNode doc = openApi.document(group, gv.substring(gv.indexOf('/') + 1));
      int patches = 0;
      for (JsonNode path : doc.get("paths")) {
        JsonNode patch = path.get("patch");
        if (patch == null) {
          continue;
        }
        patches++;
        assertThat(patch.at("/x-kubernetes-group-version-kind/kind").asString()).isNotEmpty();
        List<String> params = new ArrayList<>();
        patch.get("parameters").forEach(p -> params.add(p.get("name").asString() + "@" + p.get("in").asString()));
        assertThat(params).contains("fieldValidation@query", "fieldManager@query", "dryRun@query", "force@query");
        assertThat(patch.at("/requestBody/content").has("application/strategic-merge-patch+json")).isTrue();
      }
      assertThat(patches).as(gv).isGreaterThan(2);
    }
  }

  @Test
  void deploymentSchemaCarriesItsKindAndPatchExtensions() {
    ObjectNode doc = openApi.document("apps", "v1");
    JsonNode schemas = doc.at("/components/schemas");
    JsonNode deployment = schemas.get("io.k8s.api.apps.v1.Deployment");
    assertThat(deployment.at("/x-kubernetes-group-version-kind/0")).isEqualTo(
        Json.parse("{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}"));
    JsonNode podSpec = schemas.get("io.k8s.api.core.v1.PodSpec");
    assertThat(podSpec.at("/properties/containers/x-kubernetes-patch-merge-key").asString()).isEqualTo("name");
    assertThat(podSpec.at("/properties/containers/x-kubernetes-patch-strategy").asString()).isEqualTo("merge");
    assertThat(podSpec.at("/properties/volumes/x-kubernetes-patch-strategy").asString()).isEqualTo("merge,retainKeys");
    assertThat(podSpec.at("/properties/tolerations/x-kubernetes-patch-strategy").isMissingNode()).isTrue();
    JsonNode container = schemas.get("io.k8s.api.core.v1.Container");
    assertThat(container.at("/properties/ports/x-kubernetes-list-map-keys"))
        .isEqualTo(Json.parse("[\"containerPort\",\"protocol\"]"));
    assertThat(schemas.at("/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector/x-kubernetes-map-type").asString())
        .isEqualTo("atomic");
    assertThat(schemas.at("/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy/x-kubernetes-patch-strategy")
        .asString()).isEqualTo("retainKeys");
    // every reference resolves inside the document
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    for (String ref : refs) {
      assertThat(schemas.has(ref.substring("#/components/schemas/".length()))).as(ref).isTrue();
    }
  }

  @Test
  void scaleSubresourcesAreAutoscalingV1Scale() {
    JsonNode scale = openApi.document("apps", "v1").at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments"
        + "~1{name}~1scale/patch/x-kubernetes-group-version-kind");
    assertThat(scale).isEqualTo(Json.parse("{\"group\":\"autoscaling\",\"version\":\"v1\",\"kind\":\"Scale\"}"));
  }

  @Test
  void customResourcesArePublishedWithTheirSchemaAndWithoutStrategicMerge() {
    registry.add(WIDGETS);
    assertThat(openApi.document("example.com", "v1").at("/components/schemas").has("com.example.v1.Widget")).isFalse();
    String before = openApi.hash("example.com", "v1");
    openApi.catalog().putCustomResourceSchema("example.com", "v1", "Widget", Json.parse(
        "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{\"size\":"
            + "{\"type\":\"integer\"},\"ports\":{\"type\":\"array\",\"x-kubernetes-list-type\":\"map\","
            + "\"x-kubernetes-list-map-keys\":[\"port\"],\"items\":{\"type\":\"object\"}}}}}}"));
    ObjectNode doc = openApi.document("example.com", "v1");
    assertThat(openApi.hash("example.com", "v1")).isNotEqualTo(before);
    JsonNode widget = doc.at("/components/schemas/com.example.v1.Widget");
    assertThat(widget.at("/properties/spec/properties/size/type").asString()).isEqualTo("integer");
    assertThat(widget.at("/properties/metadata/$ref").asString())
        .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    assertThat(doc.at("/components/schemas").has("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")).isTrue();
    JsonNode patch = doc.at("/paths/~1apis~1example.com~1v1~1namespaces~1{namespace}~1widgets~1{name}/patch");
    assertThat(patch.at("/requestBody/content").has("application/strategic-merge-patch+json")).isFalse();
    assertThat(patch.at("/requestBody/content").has("application/apply-patch+yaml")).isTrue();

    PatchMeta meta = openApi.catalog().patchMeta(WIDGETS);
    assertThat(meta.field("spec").field("ports").listType()).isEqualTo(PatchMeta.ListType.MAP);
    assertThat(meta.field("metadata").field("finalizers").listType()).isEqualTo(PatchMeta.ListType.SET);
  }

  @Test
  void kubectlApplyPatchOnADeploymentMergesByTheSchema() {
    // What kubectl apply sends after the manifest changed an image, added a container, removed an env
    // var and changed the replica count.
    PatchMeta meta = openApi.catalog().patchMeta(registry.find("apps", "v1", "deployments").orElseThrow());
    ObjectNode live = (ObjectNode) Json.parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,
         "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
         "template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.14","imagePullPolicy":"IfNotPresent",
           "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"ports":[{"containerPort":80,"protocol":"TCP"}]}],
           "restartPolicy":"Always"}}}}""");
    JsonNode patch = Json.parse("""
        {"spec":{"replicas":3,"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],
         "containers":[{"$setElementOrder/env":[{"name":"A"}],"env":[{"$patch":"delete","name":"B"}],
           "image":"nginx:1.16","name":"nginx"},{"image":"busybox","name":"sidecar"}]}}}}""");
    ObjectNode result = StrategicMergePatch.apply(live, patch, meta);
    assertThat(result.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(result.at("/spec/template/spec/containers")).isEqualTo(Json.parse("""
        [{"name":"nginx","image":"nginx:1.16","imagePullPolicy":"IfNotPresent","env":[{"name":"A","value":"1"}],
          "ports":[{"containerPort":80,"protocol":"TCP"}]},{"image":"busybox","name":"sidecar"}]"""));

    // Switching to Recreate: kubectl sends $retainKeys, which drops rollingUpdate.
    ObjectNode recreate = StrategicMergePatch.apply(result, Json.parse(
        "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\"}}}"), meta);
    assertThat(recreate.at("/spec/strategy")).isEqualTo(Json.parse("{\"type\":\"Recreate\"}"));
  }

  private static void collectRefs(JsonNode n, List<String> out) {
    if (n.isObject()) {
      JsonNode ref = n.get("$ref");
      if (ref != null && ref.isString()) {
        out.add(ref.asString());
      }
    }
    n.forEach(c -> collectRefs(c, out));
  }
}
