package dev.kvx.apiserver.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.registry.BuiltinResources;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.schema.Schema.Type;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Schemas come from fabric8's classes: names, types, lists, maps and the custom scalars. */
class BuiltinSchemasTest {

  private static Schema pod() {
    return BuiltinSchemas.of("", "v1", "Pod").orElseThrow();
  }

  @Test
  void podSchemaFollowsTheModel() {
    Schema pod = pod();
    assertThat(pod.modelClass()).isEqualTo(Pod.class);
    assertThat(pod.properties()).containsKeys("apiVersion", "kind", "metadata", "spec", "status")
        .doesNotContainKey("additionalProperties");
    Schema containers = pod.property("spec").property("containers");
    assertThat(containers.type()).isEqualTo(Type.ARRAY);
    assertThat(containers.patchStrategy()).isEqualTo(new Schema.PatchStrategy("merge", "name"));
    Schema container = containers.items();
    assertThat(container.property("image").type()).isEqualTo(Type.STRING);
    assertThat(container.property("ports").patchStrategy().mergeKey()).isEqualTo("containerPort");
    assertThat(container.property("ports").items().property("containerPort").format()).isEqualTo("int32");
    Schema limits = container.property("resources").property("limits");
    assertThat(limits.isMap()).isTrue();
    assertThat(limits.additionalProperties().type()).isEqualTo(Type.QUANTITY);
    assertThat(pod.property("metadata").property("labels").additionalProperties().type()).isEqualTo(Type.STRING);
    assertThat(pod.property("metadata").property("generation").format()).isEqualTo("int64");
    assertThat(pod.property("spec").property("tolerations").patchStrategy()).isNull();
    assertThat(pod.property("spec").property("hostNetwork").type()).isEqualTo(Type.BOOLEAN);
  }

  @Test
  void intOrStringAndSharedBeans() {
    Schema svc = BuiltinSchemas.of("", "v1", "Service").orElseThrow();
    Schema port = svc.property("spec").property("ports").items();
    assertThat(port.property("targetPort").type()).isEqualTo(Type.INT_OR_STRING);
    assertThat(svc.property("spec").property("ports").patchStrategy().mergeKey()).isEqualTo("port");
    // one node per class: ObjectMeta of a Service is the ObjectMeta of a Pod
    assertThat(svc.property("metadata")).isSameAs(pod().property("metadata"));
  }

  @Test
  void versionsAndGroupsPickTheirOwnClass() {
    assertThat(BuiltinSchemas.modelClass("apps", "v1", "Deployment")).contains(Deployment.class);
    Schema v1 = BuiltinSchemas.of("autoscaling", "v1", "HorizontalPodAutoscaler").orElseThrow();
    Schema v2 = BuiltinSchemas.of("autoscaling", "v2", "HorizontalPodAutoscaler").orElseThrow();
    assertThat(v1.property("spec").properties()).containsKey("targetCPUUtilizationPercentage");
    assertThat(v2.property("spec").properties()).containsKey("metrics").doesNotContainKey("targetCPUUtilizationPercentage");
    assertThat(BuiltinSchemas.of("example.com", "v1", "Widget")).isEmpty();
  }

  @Test
  void everyServedBuiltinKindHasASchema() {
    for (ResourceType t : BuiltinResources.ALL) {
      assertThat(BuiltinSchemas.of(t)).as(t.apiVersion() + " " + t.kind()).isPresent();
    }
  }

  @Test
  void recursiveSchemasEndOnTheirOwnNode() {
    Schema crd = BuiltinSchemas.of("apiextensions.k8s.io", "v1", "CustomResourceDefinition").orElseThrow();
    Schema props = crd.property("spec").property("versions").items().property("schema").property("openAPIV3Schema");
    assertThat(props.property("properties").additionalProperties()).isSameAs(props);
  }

  @Test
  void openApiComponentsNameDefinitionsAsUpstream() {
    ObjectNode components = OpenApiSchemas.components(BuiltinSchemas.of("apps", "v1", "Deployment").orElseThrow());
    assertThat(components.has("io.k8s.api.apps.v1.Deployment")).isTrue();
    assertThat(components.has("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")).isTrue();
    ObjectNode podSpec = (ObjectNode) components.get("io.k8s.api.core.v1.PodSpec");
    assertThat(podSpec.at("/properties/containers/x-kubernetes-patch-merge-key").asString()).isEqualTo("name");
    assertThat(podSpec.at("/properties/containers/items/$ref").asString())
        .isEqualTo("#/components/schemas/io.k8s.api.core.v1.Container");
    assertThat(components.at("/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy/x-kubernetes-patch-strategy")
        .asString()).isEqualTo("retainKeys");
    assertThat(components.at("/io.k8s.api.core.v1.ContainerPort/properties/containerPort/format").asString())
        .isEqualTo("int32");
  }
}
