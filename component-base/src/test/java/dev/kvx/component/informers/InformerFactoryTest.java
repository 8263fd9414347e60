package dev.kvx.component.informers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// fabric8's CRUD mock API server stands in for the kvx API server until that one serves.
@EnableKubernetesMockClient(crud = true)
class InformerFactoryTest {
  KubernetesClient client;

  @BeforeEach
  void patientClient() {
    // The mock server's first answers can take longer than the client's 10 s request timeout on a
    // loaded CI machine; the tests' own deadlines bound the waiting.
    client.getConfiguration().setRequestTimeout(60_000);
  }

  @Test
  void oneSharedInformerPerTypeThatSyncsAndCaches() throws Exception {
    client.configMaps().inNamespace("ns").resource(configMap("ns", "a")).create();
    try (InformerFactory factory = new InformerFactory(client)) {
      var informer = factory.informerFor(ConfigMap.class);
      assertThat(factory.informerFor(ConfigMap.class)).isSameAs(informer);
      assertThat(factory.informerFor(Pod.class)).isNotSameAs(informer);
      assertThat(factory.hasSynced()).as("not started").isFalse();
      assertThat(factory.syncCheck().check().failed()).isTrue();

      factory.start();

      assertThat(factory.waitForCacheSync(Duration.ofSeconds(60))).isTrue();
      assertThat(factory.syncCheck().check().succeeded()).isTrue();
      assertThat(factory.listerFor(ConfigMap.class).namespace("ns").get("a")).isNotNull();

      client.configMaps().inNamespace("other").resource(configMap("other", "b")).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> factory.listerFor(ConfigMap.class).list().size() == 2);
    }
  }

  @Test
  void informersRequestedAfterStartWaitForTheNextStart() throws Exception {
    try (InformerFactory factory = new InformerFactory(client)) {
      factory.informerFor(ConfigMap.class);
      factory.start();
      assertThat(factory.waitForCacheSync(Duration.ofSeconds(60))).isTrue();

      factory.informerFor(Pod.class);
      assertThat(factory.hasSynced()).isFalse();
      assertThat(factory.syncCheck().check().cause())
          .hasMessage("1 informers not synced yet: [Pod]");

      factory.start();
      assertThat(factory.waitForCacheSync(Duration.ofSeconds(60))).isTrue();
    }
  }

  private static ConfigMap configMap(String namespace, String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .addToData("k", "v")
        .build();
  }
}
