package dev.kvx.component;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// fabric8's CRUD mock API server stands in for the kvx API server until that one serves.
@EnableKubernetesMockClient(crud = true)
class KubeClientsTest {
  KubernetesClient mock;

  @Test
  void buildsATunedClientFromAKubeconfigFile(@TempDir Path dir) throws Exception {
    Path kubeconfig = writeKubeconfig(dir);

    try (KubernetesClient client = KubeClients.fromKubeconfig(kubeconfig, "kvx-scheduler/test")) {
      assertThat(client.getConfiguration().getMasterUrl())
          .startsWith(mock.getMasterUrl().toString());
      assertThat(client.getNamespace()).isEqualTo("team-a");
      assertThat(client.getConfiguration().getUserAgent()).isEqualTo("kvx-scheduler/test");
      assertThat(client.getConfiguration().getRequestTimeout()).isEqualTo(30_000);
      assertThat(client.getConfiguration().getConnectionTimeout()).isEqualTo(10_000);
      assertThat(client.getConfiguration().getAutoOAuthToken()).isEqualTo("secret-token");

      client
          .configMaps()
          .resource(new ConfigMapBuilder().withNewMetadata().withName("cm").endMetadata().build())
          .create();
      assertThat(mock.configMaps().inNamespace("team-a").withName("cm").get()).isNotNull();
    }
  }

  @Test
  void sharesTheComponentsVertxWithoutClosingIt(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      try (KubernetesClient client =
          KubeClients.fromKubeconfig(writeKubeconfig(dir), "kvx", vertx)) {
        assertThat(client.configMaps().list().getItems()).isEmpty();
      }
      // Still usable after the client closed.
      assertThat(
              vertx.executeBlocking(() -> "alive").toCompletionStage().toCompletableFuture().get())
          .isEqualTo("alive");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private Path writeKubeconfig(Path dir) throws Exception {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        users:
        - name: scheduler
          user:
            token: secret-token
        contexts:
        - name: test
          context:
            cluster: test
            user: scheduler
            namespace: team-a
        current-context: test
        """
            .formatted(mock.getMasterUrl()));
    return file;
  }
}
