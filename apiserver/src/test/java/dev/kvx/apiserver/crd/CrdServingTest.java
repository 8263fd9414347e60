package dev.kvx.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import dev.kvx.apiserver.testing.InJvmApiServer;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * CustomResourceDefinitions end to end through the fabric8 client against an in-JVM API server:
 * serving within a second, validation, pruning, status and scale subresources, several versions,
 * discovery, and deletion of a CRD with its objects. Each test uses its own API group.
 */
class CrdServingTest {

  @RegisterExtension static final InJvmApiServer api = new InJvmApiServer();

  /** A Widget CRD in {@code group}: v1 (storage) and v1beta1, with status and scale. */
  static String widgets(String group) {
    return """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.GROUP
        spec:
          group: GROUP
          scope: Namespaced
          names:
            plural: widgets
            singular: widget
            kind: Widget
            shortNames: [wd]
            categories: [all]
          versions:
          - name: v1beta1
            served: true
            storage: false
            subresources: {status: {}}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
                  status: {type: object, x-kubernetes-preserve-unknown-fields: true}
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
              scale:
                specReplicasPath: .spec.replicas
                statusReplicasPath: .status.replicas
                labelSelectorPath: .status.selector
            additionalPrinterColumns:
            - {name: Replicas, type: integer, jsonPath: .spec.replicas}
            - {name: Mode, type: string, jsonPath: .spec.mode}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [size]
                    properties:
                      replicas: {type: integer, minimum: 0, default: 1}
                      size: {type: string, pattern: '^[a-z]+$', maxLength: 8}
                      mode: {type: string, enum: [a, b]}
                      free: {type: object, x-kubernetes-preserve-unknown-fields: true}
                  status:
                    type: object
                    properties:
                      replicas: {type: integer}
                      selector: {type: string}
        """.replace("GROUP", group);
  }

  private CustomResourceDefinition createDefinition(String yaml) {
    CustomResourceDefinition crd = api.client().getKubernetesSerialization().unmarshal(yaml, CustomResourceDefinition.class);
    return api.client().apiextensions().v1().customResourceDefinitions().resource(crd).create();
  }

  private static ResourceDefinitionContext widgetsAt(String group, String version) {
    return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind("Widget")
        .withPlural("widgets").withNamespaced(true).build();
  }

  private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
      widgets(String group, String version) {
    return api.client().genericKubernetesResources(widgetsAt(group, version));
  }

  private static GenericKubernetesResource widget(String group, String version, String name, Map<String, Object> spec) {
    GenericKubernetesResource w = new GenericKubernetesResource();
    w.setApiVersion(group + "/" + version);
    w.setKind("Widget");
    w.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
    w.setAdditionalProperty("spec", spec);
    return w;
  }

  private void namespace(String name) {
    api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  /** Creates the CRD and waits until its v1 resource is served (the server's own deadline is 1 s). */
  private void establish(String group) {
    createDefinition(widgets(group));
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
        .until(() -> api.client().getApiResources(group + "/v1") != null);
  }

  @Test
  void servesANewDefinitionWithinASecondWithStatusAndDiscovery() throws Exception {
    String group = "serve.example.com";
    namespace("serve");
    CustomResourceDefinition created = createDefinition(widgets(group));
    assertThat(created.getMetadata().getFinalizers()).contains("customresourcecleanup.apiextensions.k8s.io");
    // Served within a second of the CRD's creation (measured in the server, not through a client
    // whose own latency on a loaded machine is not the point).
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
        .until(() -> api.server().registry().find(group, "v1", "widgets").isPresent()
            && api.server().registry().find(group, "v1beta1", "widgets").isPresent());
    widgets(group, "v1").inNamespace("serve").resource(widget(group, "v1", "first", Map.of("size", "abc"))).create();

    await().atMost(Duration.ofSeconds(2)).until(() -> condition(group, "Established") != null);
    CustomResourceDefinition crd = api.client().apiextensions().v1().customResourceDefinitions()
        .withName("widgets." + group).get();
    assertThat(crd.getStatus().getAcceptedNames().getKind()).isEqualTo("Widget");
    assertThat(crd.getStatus().getAcceptedNames().getShortNames()).containsExactly("wd");
    assertThat(crd.getStatus().getStoredVersions()).containsExactly("v1");
    CustomResourceDefinitionCondition names = condition(group, "NamesAccepted");
    assertThat(names.getStatus()).isEqualTo("True");
    assertThat(names.getReason()).isEqualTo("NoConflicts");
    CustomResourceDefinitionCondition established = condition(group, "Established");
    assertThat(established.getStatus()).isEqualTo("True");
    assertThat(established.getReason()).isEqualTo("InitialNamesAccepted");

    APIResourceList resources = api.client().getApiResources(group + "/v1");
    APIResource widgets = resources.getResources().stream().filter(r -> r.getName().equals("widgets")).findFirst()
        .orElseThrow();
    assertThat(widgets.getKind()).isEqualTo("Widget");
    assertThat(widgets.getNamespaced()).isTrue();
    assertThat(widgets.getShortNames()).containsExactly("wd");
    assertThat(widgets.getCategories()).containsExactly("all");
    assertThat(resources.getResources()).extracting(APIResource::getName)
        .contains("widgets/status", "widgets/scale");
    assertThat(api.client().getApiGroup(group).getPreferredVersion().getVersion()).isEqualTo("v1");

    List<String> events = new CopyOnWriteArrayList<>();
    try (Watch w = widgets(group, "v1").inNamespace("serve").watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, GenericKubernetesResource resource) {
        events.add(action + " " + resource.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      widgets(group, "v1").inNamespace("serve").resource(widget(group, "v1", "second", Map.of("size", "xyz")))
          .create();
      widgets(group, "v1").inNamespace("serve").withName("second")
          .edit(o -> {
            ((Map<String, Object>) o.getAdditionalProperties().get("spec")).put("mode", "a");
            return o;
          });
      widgets(group, "v1").inNamespace("serve").withName("second").delete();
      await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("DELETED second"));
    }
    assertThat(events).containsSubsequence("ADDED second", "MODIFIED second", "DELETED second");
    assertThat(widgets(group, "v1").inNamespace("serve").list().getItems())
        .extracting(o -> o.getMetadata().getName()).containsExactly("first");
    assertThat(widgets(group, "v1").inAnyNamespace().list().getItems()).hasSize(1);
  }

  private CustomResourceDefinitionCondition condition(String group, String type) {
    CustomResourceDefinition crd = api.client().apiextensions().v1().customResourceDefinitions()
        .withName("widgets." + group).get();
    if (crd == null || crd.getStatus() == null || crd.getStatus().getConditions() == null) {
      return null;
    }
    return crd.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
  }

  @Test
  void refusesInvalidObjectsWithCausesNamingTheField() {
    String group = "invalid.example.com";
    establish(group);
    GenericKubernetesResource bad = widget(group, "v1", "bad",
        Map.of("replicas", "three", "mode", "z", "size", "ABC"));
    assertThatThrownBy(() -> widgets(group, "v1").inNamespace("default").resource(bad).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
          assertThat(e.getStatus().getDetails().getCauses()).extracting(StatusCause::getField, StatusCause::getMessage)
              .containsExactlyInAnyOrder(
                  org.assertj.core.groups.Tuple.tuple("spec.replicas",
                      "Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\""),
                  org.assertj.core.groups.Tuple.tuple("spec.mode",
                      "Unsupported value: \"z\": supported values: \"a\", \"b\""),
                  org.assertj.core.groups.Tuple.tuple("spec.size",
                      "Invalid value: \"ABC\": spec.size in body should match '^[a-z]+$'"));
          assertThat(e.getStatus().getMessage()).startsWith("Widget." + group + " \"bad\" is invalid: [");
        });
    GenericKubernetesResource missing = widget(group, "v1", "missing", Map.of("replicas", 1));
    assertThatThrownBy(() -> widgets(group, "v1").inNamespace("default").resource(missing).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getStatus().getMessage())
            .isEqualTo("Widget." + group + " \"missing\" is invalid: spec.size: Required value"));
    assertThat(widgets(group, "v1").inNamespace("default").list().getItems()).isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void prunesUnknownFieldsAndAppliesDefaults() {
    String group = "prune.example.com";
    establish(group);
    GenericKubernetesResource w = widget(group, "v1", "p",
        Map.of("size", "abc", "unknown", "x", "free", Map.of("kept", Map.of("deep", 1))));
    w.setAdditionalProperty("topLevel", "dropped");
    widgets(group, "v1").inNamespace("default").resource(w).create();
    GenericKubernetesResource got = widgets(group, "v1").inNamespace("default").withName("p").get();
    Map<String, Object> spec = (Map<String, Object>) got.getAdditionalProperties().get("spec");
    assertThat(spec).containsOnlyKeys("size", "free", "replicas");
    assertThat(spec.get("replicas")).isEqualTo(1);
    assertThat(spec.get("free")).isEqualTo(Map.of("kept", Map.of("deep", 1)));
    assertThat(got.getAdditionalProperties()).doesNotContainKey("topLevel");
    assertThat(got.getMetadata().getGeneration()).isEqualTo(1L);
  }

  @Test
  @SuppressWarnings("unchecked")
  void statusSubresourceSplitsStatusFromSpec() {
    String group = "status.example.com";
    establish(group);
    GenericKubernetesResource w = widget(group, "v1", "s", Map.of("size", "abc"));
    w.setAdditionalProperty("status", Map.of("replicas", 5));
    GenericKubernetesResource created = widgets(group, "v1").inNamespace("default").resource(w).create();
    assertThat(created.getAdditionalProperties()).doesNotContainKey("status");

    GenericKubernetesResource withStatus = widgets(group, "v1").inNamespace("default").withName("s").get();
    withStatus.setAdditionalProperty("status", Map.of("replicas", 2));
    ((Map<String, Object>) withStatus.getAdditionalProperties().get("spec")).put("size", "changed");
    GenericKubernetesResource afterStatus = widgets(group, "v1").inNamespace("default").resource(withStatus)
        .updateStatus();
    assertThat(afterStatus.getAdditionalProperties().get("status")).isEqualTo(Map.of("replicas", 2));
    assertThat(((Map<String, Object>) afterStatus.getAdditionalProperties().get("spec")).get("size")).isEqualTo("abc");
    assertThat(afterStatus.getMetadata().getGeneration()).isEqualTo(1L);

    GenericKubernetesResource main = widgets(group, "v1").inNamespace("default").withName("s").get();
    main.setAdditionalProperty("status", Map.of("replicas", 9));
    ((Map<String, Object>) main.getAdditionalProperties().get("spec")).put("size", "new");
    GenericKubernetesResource afterMain = widgets(group, "v1").inNamespace("default").resource(main).update();
    assertThat(afterMain.getAdditionalProperties().get("status")).isEqualTo(Map.of("replicas", 2));
    assertThat(((Map<String, Object>) afterMain.getAdditionalProperties().get("spec")).get("size")).isEqualTo("new");
    assertThat(afterMain.getMetadata().getGeneration()).isEqualTo(2L);

    main = widgets(group, "v1").inNamespace("default").withName("s").get();
    main.setAdditionalProperty("status", Map.of("replicas", "many"));
    GenericKubernetesResource badStatus = main;
    assertThatThrownBy(() -> widgets(group, "v1").inNamespace("default").resource(badStatus).updateStatus())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
  }

  @Test
  @SuppressWarnings("unchecked")
  void scaleSubresourceReadsAndWritesTheDeclaredPaths() {
    String group = "scale.example.com";
    establish(group);
    widgets(group, "v1").inNamespace("default").resource(widget(group, "v1", "sc", Map.of("size", "abc", "replicas", 2)))
        .create();
    GenericKubernetesResource s = widgets(group, "v1").inNamespace("default").withName("sc").get();
    s.setAdditionalProperty("status", Map.of("replicas", 2, "selector", "app=sc"));
    widgets(group, "v1").inNamespace("default").resource(s).updateStatus();

    Scale scale = widgets(group, "v1").inNamespace("default").withName("sc").scale();
    assertThat(scale.getSpec().getReplicas()).isEqualTo(2);
    assertThat(scale.getStatus().getReplicas()).isEqualTo(2);
    assertThat(scale.getStatus().getSelector()).isEqualTo("app=sc");

    widgets(group, "v1").inNamespace("default").withName("sc").scale(5);
    GenericKubernetesResource scaled = widgets(group, "v1").inNamespace("default").withName("sc").get();
    assertThat(((Map<String, Object>) scaled.getAdditionalProperties().get("spec")).get("replicas")).isEqualTo(5);
    assertThat(scaled.getAdditionalProperties().get("status")).isEqualTo(Map.of("replicas", 2, "selector", "app=sc"));

    Scale negative = widgets(group, "v1").inNamespace("default").withName("sc").scale();
    negative.getSpec().setReplicas(-1);
    assertThatThrownBy(() -> widgets(group, "v1").inNamespace("default").withName("sc").scale(negative))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
  }

  @Test
  void aSecondVersionServesTheSameObjects() {
    String group = "versions.example.com";
    establish(group);
    await().atMost(Duration.ofSeconds(5)).until(() -> api.client().getApiResources(group + "/v1beta1") != null);
    widgets(group, "v1").inNamespace("default").resource(widget(group, "v1", "from-v1", Map.of("size", "abc")))
        .create();
    widgets(group, "v1beta1").inNamespace("default")
        .resource(widget(group, "v1beta1", "from-beta", Map.of("size", "abc", "anything", true))).create();

    GenericKubernetesResource asBeta = widgets(group, "v1beta1").inNamespace("default").withName("from-v1").get();
    assertThat(asBeta.getApiVersion()).isEqualTo(group + "/v1beta1");
    GenericKubernetesResource asV1 = widgets(group, "v1").inNamespace("default").withName("from-beta").get();
    assertThat(asV1.getApiVersion()).isEqualTo(group + "/v1");
    assertThat(widgets(group, "v1beta1").inNamespace("default").list().getItems())
        .extracting(GenericKubernetesResource::getApiVersion).containsOnly(group + "/v1beta1").hasSize(2);
    // Stored at the storage version: patchable there whatever version wrote it.
    widgets(group, "v1").inNamespace("default").withName("from-beta")
        .edit(o -> {
          o.getMetadata().setLabels(Map.of("patched", "yes"));
          return o;
        });
    assertThat(widgets(group, "v1beta1").inNamespace("default").withName("from-beta").get().getMetadata().getLabels())
        .containsEntry("patched", "yes");
    assertThat(api.client().getApiGroup(group).getPreferredVersion().getVersion()).isEqualTo("v1");
  }

  @Test
  void deletingTheDefinitionDeletesItsObjectsThenItself() {
    String group = "delete.example.com";
    namespace("del-a");
    namespace("del-b");
    establish(group);
    for (String ns : List.of("del-a", "del-b")) {
      for (int i = 0; i < 3; i++) {
        widgets(group, "v1").inNamespace(ns).resource(widget(group, "v1", "w" + i, Map.of("size", "abc"))).create();
      }
    }
    api.client().apiextensions().v1().customResourceDefinitions().withName("widgets." + group).delete();
    await().atMost(Duration.ofSeconds(5)).until(() ->
        api.client().apiextensions().v1().customResourceDefinitions().withName("widgets." + group).get() == null);
    await().atMost(Duration.ofSeconds(2)).until(() -> api.client().getApiGroup(group) == null);
    assertThatThrownBy(() -> widgets(group, "v1").inAnyNamespace().list())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));

    // Recreated, the definition serves no leftovers of the old objects.
    establish(group);
    assertThat(widgets(group, "v1").inAnyNamespace().list().getItems()).isEmpty();
  }

  @Test
  void aKindAlreadyServedInTheGroupIsNotAccepted() {
    String group = "conflict.example.com";
    establish(group);
    createDefinition(widgets(group).replace("widgets", "gadgets").replace("singular: widget", "singular: gadget")
        .replace("shortNames: [wd]", "shortNames: [gd]"));
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      CustomResourceDefinition crd = api.client().apiextensions().v1().customResourceDefinitions()
          .withName("gadgets." + group).get();
      return crd.getStatus().getConditions() != null && !crd.getStatus().getConditions().isEmpty();
    });
    CustomResourceDefinition gadgets = api.client().apiextensions().v1().customResourceDefinitions()
        .withName("gadgets." + group).get();
    assertThat(gadgets.getStatus().getConditions())
        .extracting(CustomResourceDefinitionCondition::getType, CustomResourceDefinitionCondition::getStatus,
            CustomResourceDefinitionCondition::getReason, CustomResourceDefinitionCondition::getMessage)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("NamesAccepted", "False", "KindConflict", "\"Widget\" is already in use"),
            org.assertj.core.groups.Tuple.tuple("Established", "False", "NotAccepted", "not all names are accepted"));
    assertThat(api.server().registry().find(group, "v1", "gadgets")).isEmpty();
    assertThat(api.server().registry().find(group, "v1", "widgets")).isPresent();
  }

  @Test
  void refusesInvalidDefinitionsWith422() {
    String yaml = widgets("refuse.example.com").replace("name: widgets.refuse.example.com", "name: gadgets.refuse.example.com");
    assertThatThrownBy(() -> createDefinition(yaml))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getMessage()).isEqualTo("CustomResourceDefinition.apiextensions.k8s.io"
              + " \"gadgets.refuse.example.com\" is invalid: metadata.name: Invalid value:"
              + " \"gadgets.refuse.example.com\": must be spec.names.plural+\".\"+spec.group");
        });
    String untyped = widgets("refuse.example.com").replace("mode: {type: string, enum: [a, b]}", "mode: {enum: [a, b]}");
    assertThatThrownBy(() -> createDefinition(untyped))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getStatus().getDetails().getCauses())
            .extracting(StatusCause::getField)
            .containsExactly("spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[mode].type"));
    assertThat(api.client().apiextensions().v1().customResourceDefinitions().withName("widgets.refuse.example.com").get())
        .isNull();
  }

  @Test
  void servesStoredDefinitionsAfterARestart(@TempDir Path data) throws Exception {
    ApiServerOptions options = new ApiServerOptions(data, List.of(), 0, "127.0.0.1", false, null);
    ApiServer first = ApiServer.start(api.vertx(), options).await();
    String group = "restart.example.com";
    try (KubernetesClient c = InJvmApiServer.clientFor(first.kubeconfig())) {
      c.apiextensions().v1().customResourceDefinitions().resource(c.getKubernetesSerialization()
          .unmarshal(widgets(group), CustomResourceDefinition.class)).create();
      await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> c.genericKubernetesResources(
          widgetsAt(group, "v1")).inNamespace("default").resource(widget(group, "v1", "kept", Map.of("size", "abc")))
          .create() != null);
    } finally {
      first.close().await();
    }
    ApiServer second = ApiServer.start(api.vertx(), options).await();
    try (KubernetesClient c = InJvmApiServer.clientFor(second.kubeconfig())) {
      await().atMost(Duration.ofSeconds(1)).until(() -> second.registry().find(group, "v1", "widgets").isPresent());
      assertThat(c.genericKubernetesResources(widgetsAt(group, "v1")).inNamespace("default").withName("kept").get())
          .isNotNull();
    } finally {
      second.close().await();
    }
  }
}
