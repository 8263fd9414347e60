package dev.kvx.apiserver.strategy;

import static dev.kvx.apiserver.strategy.Fixtures.at;
import static dev.kvx.apiserver.strategy.Fixtures.createCauses;
import static dev.kvx.apiserver.strategy.Fixtures.created;
import static dev.kvx.apiserver.strategy.Fixtures.updateCauses;
import static dev.kvx.apiserver.strategy.Fixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.registry.BuiltinResources;
import dev.kvx.apiserver.registry.ResourceType;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Namespace, PersistentVolumeClaim, Secret and ConfigMap, and the registry that hands them out. */
class CoreKindsStrategyTest {

  @Test
  void namespaceIsActiveWithItsFinalizerAndNameLabel() {
    NamespaceStrategy s = new NamespaceStrategy();
    ObjectNode ns = yaml("metadata: {name: team-a}");
    s.prepareForCreate(ns);
    assertThat(ns.at("/spec/finalizers").toString()).isEqualTo("[\"kubernetes\"]");
    assertThat(ns.at("/status").toString()).isEqualTo("{\"phase\":\"Active\"}");
    assertThat(at(ns, "/metadata/labels/kubernetes.io~1metadata.name")).isEqualTo("team-a");

    ObjectNode update = yaml("metadata: {name: team-a, labels: {owner: me}}\nspec: {finalizers: []}");
    s.prepareForUpdate(update, ns);
    assertThat(update.at("/spec/finalizers").toString()).isEqualTo("[\"kubernetes\"]");
    assertThat(update.at("/metadata/labels").toString())
        .isEqualTo("{\"owner\":\"me\",\"kubernetes.io/metadata.name\":\"team-a\"}");
    assertThat(s.validate(update)).isEmpty();
  }

  @Test
  void persistentVolumeClaims() {
    PersistentVolumeClaimStrategy s = new PersistentVolumeClaimStrategy();
    ObjectNode pvc = created(s, yaml("""
        metadata: {name: data}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        """));
    assertThat(at(pvc, "/spec/volumeMode")).isEqualTo("Filesystem");
    assertThat(at(pvc, "/status/phase")).isEqualTo("Pending");
    assertThat(s.validate(pvc)).isEmpty();

    assertThat(createCauses(s, yaml("metadata: {name: d}\nspec: {accessModes: [ReadWriteSometimes]}")))
        .containsExactly("spec.accessModes: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadOnlyMany\","
            + " \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"", "spec.resources[storage]: Required value");

    String immutable = "spec: Forbidden: spec is immutable after creation except resources.requests and"
        + " volumeAttributesClassName for bound claims";
    ObjectNode grown = pvc.deepCopy();
    ((ObjectNode) grown.at("/spec/resources/requests")).put("storage", "2Gi");
    assertThat(updateCauses(s, pvc, grown)).containsExactly(immutable);
    ObjectNode bound = pvc.deepCopy();
    ((ObjectNode) bound.get("status")).put("phase", "Bound");
    assertThat(updateCauses(s, bound, grown.deepCopy())).isEmpty();
    ObjectNode shrunk = pvc.deepCopy();
    ((ObjectNode) shrunk.at("/spec/resources/requests")).put("storage", "500Mi");
    assertThat(updateCauses(s, bound, shrunk))
        .containsExactly("spec.resources.requests.storage: Forbidden: field can not be less than previous value");
    ObjectNode binding = pvc.deepCopy();
    ((ObjectNode) binding.get("spec")).put("volumeName", "pv-1");
    assertThat(updateCauses(s, pvc, binding)).isEmpty();
  }

  @Test
  void secretsAndConfigMaps() {
    SecretStrategy secrets = new SecretStrategy();
    ObjectNode secret = created(secrets, yaml("metadata: {name: s}\nstringData: {password: hunter2}"));
    assertThat(at(secret, "/type")).isEqualTo("Opaque");
    assertThat(at(secret, "/data/password")).isEqualTo("aHVudGVyMg==");
    assertThat(secret.has("stringData")).isFalse();
    assertThat(createCauses(secrets, yaml("metadata: {name: t}\ntype: kubernetes.io/tls\ndata: {tls.crt: eA==}")))
        .containsExactly("data[tls.key]: Required value");
    ObjectNode retyped = secret.deepCopy().put("type", "kubernetes.io/basic-auth");
    assertThat(updateCauses(secrets, secret, retyped))
        .containsExactly("type: Invalid value: \"kubernetes.io/basic-auth\": field is immutable");

    ConfigMapStrategy configMaps = new ConfigMapStrategy();
    assertThat(createCauses(configMaps, yaml("metadata: {name: c}\ndata: {\"a b\": x, ok: y}\nbinaryData: {ok: eQ==}")))
        .containsExactly("data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters,"
            + " '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is"
            + " '[-._a-zA-Z0-9]+')", "binaryData[ok]: Invalid value: \"ok\": duplicate of key present in data");
    ObjectNode frozen = created(configMaps, yaml("metadata: {name: c}\nimmutable: true\ndata: {k: v}"));
    ObjectNode edited = frozen.deepCopy();
    ((ObjectNode) edited.get("data")).put("k", "w");
    assertThat(updateCauses(configMaps, frozen, edited))
        .containsExactly("data: Forbidden: field is immutable when `immutable` is set");
  }

  private static ResourceType type(String apiVersion, String kind) {
    return BuiltinResources.ALL.stream().filter(t -> t.apiVersion().equals(apiVersion) && t.kind().equals(kind))
        .findFirst().orElseThrow();
  }

  @Test
  void registryHandsOutEachKindsStrategy() {
    Strategies strategies = new Strategies();
    assertThat(strategies.of(type("v1", "Pod"))).isInstanceOf(PodStrategy.class);
    assertThat(strategies.of(type("apps/v1", "Deployment"))).isInstanceOf(DeploymentStrategy.class);
    for (String[] k : List.of(new String[] {"apps/v1", "Deployment"}, new String[] {"apps/v1", "StatefulSet"},
        new String[] {"batch/v1", "Job"}, new String[] {"batch/v1", "CronJob"}, new String[] {"policy/v1", "PodDisruptionBudget"})) {
      assertThat(strategies.of(type(k[0], k[1])).tracksGeneration()).as(k[1]).isTrue();
    }
    assertThat(strategies.of(type("v1", "Pod")).tracksGeneration()).isFalse();
    assertThat(strategies.of(type("v1", "Namespace")).nameIsDnsLabel()).isTrue();
    assertThat(strategies.of(type("v1", "Service")).nameIsDnsLabel()).isTrue();
    assertThat(strategies.of(type("v1", "Endpoints"))).isSameAs(ResourceStrategy.GENERIC);
    ResourceStrategy custom = new ResourceStrategy() {};
    strategies.register("v1", "ConfigMap", custom);
    assertThat(new Strategies().of(type("v1", "ConfigMap"))).isNotSameAs(custom);
  }
}
