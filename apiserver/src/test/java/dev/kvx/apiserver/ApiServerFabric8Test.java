package dev.kvx.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvx.apiserver.testing.InJvmApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The API server driven by the fabric8 client, as an operator or a test would use it. */
class ApiServerFabric8Test {

  @RegisterExtension final InJvmApiServer api = InJvmApiServer.onDisk();

  private static ConfigMap configMap(String ns, String name, Map<String, String> data) {
    return new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withData(data).build();
  }

  @Test
  void crudThroughFabric8() {
    api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("crud").endMetadata().build())
        .create();
    ConfigMap created = api.client().configMaps().inNamespace("crud").resource(configMap("crud", "a", Map.of("k", "v")))
        .create();
    assertThat(created.getMetadata().getUid()).isNotBlank();
    assertThat(created.getMetadata().getResourceVersion()).isNotBlank();
    assertThat(created.getMetadata().getCreationTimestamp()).isNotBlank();

    ConfigMap got = api.client().configMaps().inNamespace("crud").withName("a").get();
    assertThat(got.getData()).containsEntry("k", "v");
    assertThat(got.getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());

    ConfigMap edited = api.client().configMaps().inNamespace("crud").withName("a")
        .edit(cm -> new ConfigMapBuilder(cm).addToData("k2", "v2").build());
    assertThat(Long.parseLong(edited.getMetadata().getResourceVersion()))
        .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));

    assertThat(api.client().configMaps().inNamespace("crud").list().getItems()).extracting(c -> c.getMetadata().getName())
        .containsExactly("a");
    assertThat(api.client().configMaps().inNamespace("crud").withLabel("missing").list().getItems()).isEmpty();

    assertThatThrownBy(() -> api.client().configMaps().inNamespace("crud").resource(configMap("crud", "a", Map.of())).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));

    api.client().configMaps().inNamespace("crud").withName("a").delete();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> api.client().configMaps().inNamespace("crud").withName("a").get() == null);
  }

  @Test
  void staleUpdateIsAConflict() {
    ConfigMap created = api.client().configMaps().inNamespace("default").resource(configMap("default", "s", Map.of("n", "1")))
        .create();
    ConfigMap stale = new ConfigMapBuilder(created).build();
    api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder(created).addToData("n", "2").build())
        .update();
    stale.getData().put("n", "3");
    assertThatThrownBy(() -> api.client().configMaps().inNamespace("default").resource(stale).update())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
    assertThat(api.client().configMaps().inNamespace("default").withName("s").get().getData()).containsEntry("n", "2");
  }

  @Test
  void objectsInAMissingNamespaceAreRefused() {
    assertThatThrownBy(() -> api.client().configMaps().inNamespace("nope").resource(configMap("nope", "x", Map.of())).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(404));
  }

  @Test
  void informerSeesAddsUpdatesAndDeletesThenRelistsAfterExpiry() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    SharedIndexInformer<ConfigMap> informer = api.client().configMaps().inNamespace("default").inform(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap obj) {
            seen.add("add:" + obj.getMetadata().getName());
          }

          @Override
          public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
            if (!oldObj.getMetadata().getResourceVersion().equals(newObj.getMetadata().getResourceVersion())) {
              seen.add("update:" + newObj.getMetadata().getName());
            }
          }

          @Override
          public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
            seen.add("delete:" + obj.getMetadata().getName());
          }
        }, 0);
    try {
      await().atMost(Duration.ofSeconds(10)).until(informer::hasSynced);
      api.client().configMaps().inNamespace("default").resource(configMap("default", "w", Map.of("a", "1"))).create();
      api.client().configMaps().inNamespace("default").withName("w").edit(cm -> new ConfigMapBuilder(cm).addToData("b", "2").build());
      api.client().configMaps().inNamespace("default").withName("w").delete();
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.containsAll(List.of("add:w", "update:w", "delete:w")));

      // Restart the server on the same data dir. Its watch cache starts at the current revision,
      // so the informer's resumed watch from an older resourceVersion gets 410 and must relist.
      api.client().configMaps().inNamespace("default").resource(configMap("default", "before", Map.of())).create();
      api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bump").endMetadata().build())
          .create();
      api.restart();
      api.client().configMaps().inNamespace("default").resource(configMap("default", "after", Map.of())).create();
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("add:after"));
      // The new server saw the informer list again (not just resume its watch).
      assertThat(api.server().meterRegistry().find("apiserver_request_total")
          .tags("verb", "LIST", "resource", "configmaps").counters())
          .anySatisfy(c -> assertThat(c.count()).isGreaterThanOrEqualTo(1));
      assertThat(informer.getStore().list()).extracting(c -> c.getMetadata().getName())
          .contains("before", "after").doesNotContain("w");
    } finally {
      informer.close();
    }
  }
}
