package dev.kvx.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvResolverTest {
  static final PodContext CTX =
      new PodContext("node-1", "192.0.2.1", Map.of("cpu", "4", "memory", "8Gi"));

  final ConfigSource source =
      new ConfigSource() {
        @Override
        public ConfigMap configMap(String namespace, String name) {
          return name.equals("cm")
              ? new ConfigMapBuilder()
                  .withData(ordered("k", "from-cm", "bad key", "x", "other", "o"))
                  .build()
              : null;
        }

        @Override
        public Secret secret(String namespace, String name) {
          return name.equals("s")
              ? new SecretBuilder()
                  .withData(Map.of("pw", Base64.getEncoder().encodeToString("hunter2".getBytes())))
                  .build()
              : null;
        }
      };
  final EnvResolver resolver = new EnvResolver(source);

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static Pod pod(Container c) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace("ns")
        .withUid("u1")
        .addToLabels("app", "x")
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-1")
        .withContainers(c)
        .endSpec()
        .build();
  }

  @Test
  void resolvesEveryKindOfReferenceInOrder() throws Exception {
    Container c =
        new ContainerBuilder()
            .withName("c")
            .withNewResources()
            .addToLimits("memory", new Quantity("64Mi"))
            .endResources()
            .addNewEnvFrom()
            .withNewConfigMapRef()
            .withName("cm")
            .endConfigMapRef()
            .withPrefix("CM_")
            .endEnvFrom()
            .addNewEnv()
            .withName("A")
            .withValue("1")
            .endEnv()
            .addNewEnv()
            .withName("B")
            .withValue("$(A)-$(POD)")
            .endEnv()
            .addNewEnv()
            .withName("POD")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.name")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("APP")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.labels['app']")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("IP")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("status.podIP")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("HOST")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("status.hostIP")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("MEM")
            .withNewValueFrom()
            .withNewResourceFieldRef()
            .withResource("limits.memory")
            .withDivisor(new Quantity("1Mi"))
            .endResourceFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("CPU")
            .withNewValueFrom()
            .withNewResourceFieldRef()
            .withResource("limits.cpu")
            .endResourceFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("K")
            .withNewValueFrom()
            .withNewConfigMapKeyRef("k", "cm", false)
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("PW")
            .withNewValueFrom()
            .withNewSecretKeyRef("pw", "s", false)
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("OPT")
            .withNewValueFrom()
            .withNewSecretKeyRef("x", "absent", true)
            .endValueFrom()
            .endEnv()
            .build();
    Map<String, String> env = resolver.resolve(pod(c), c, "10.0.0.5", CTX);
    assertThat(env)
        .containsExactly(
            Map.entry("CM_k", "from-cm"),
            Map.entry("CM_other", "o"),
            Map.entry("A", "1"),
            Map.entry("B", "1-$(POD)"),
            Map.entry("POD", "p"),
            Map.entry("APP", "x"),
            Map.entry("IP", "10.0.0.5"),
            Map.entry("HOST", "192.0.2.1"),
            Map.entry("MEM", "64"),
            Map.entry("CPU", "4"),
            Map.entry("K", "from-cm"),
            Map.entry("PW", "hunter2"));
  }

  @Test
  void missingReferencesAreConfigErrors() {
    Container missingMap =
        new ContainerBuilder()
            .withName("c")
            .addNewEnv()
            .withName("X")
            .withNewValueFrom()
            .withNewConfigMapKeyRef("k", "nope", false)
            .endValueFrom()
            .endEnv()
            .build();
    assertThatThrownBy(() -> resolver.resolve(pod(missingMap), missingMap, null, CTX))
        .isInstanceOf(ContainerStartException.class)
        .hasMessage("configmap \"nope\" not found")
        .satisfies(
            e ->
                assertThat(((ContainerStartException) e).reason())
                    .isEqualTo("CreateContainerConfigError"));
    Container missingKey =
        new ContainerBuilder()
            .withName("c")
            .addNewEnv()
            .withName("X")
            .withNewValueFrom()
            .withNewSecretKeyRef("nokey", "s", false)
            .endValueFrom()
            .endEnv()
            .build();
    assertThatThrownBy(() -> resolver.resolve(pod(missingKey), missingKey, null, CTX))
        .hasMessage("couldn't find key nokey in Secret ns/s");
  }
}
