package dev.kvx.controller.serviceaccount;

import static org.awaitility.Awaitility.await;

import dev.kvx.controller.testing.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceAccountControllerTest {
  @TempDir Path dir;

  @Test
  void everyNamespaceGetsADefaultServiceAccountBackEvenAfterItsDeletion() throws Exception {
    try (TestCluster cluster = TestCluster.start(dir, ServiceAccountController.DESCRIPTOR)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> cluster.client().serviceAccounts().inNamespace("kube-system").withName("default").get() != null);
      cluster.createNamespace("sa-new");
      await().atMost(Duration.ofSeconds(60)).until(() -> cluster.client().serviceAccounts().inNamespace("sa-new").withName("default").get() != null);
      cluster.client().serviceAccounts().inNamespace("sa-new").withName("default").delete();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        var sa = cluster.client().serviceAccounts().inNamespace("sa-new").withName("default").get();
        return sa != null && sa.getMetadata().getDeletionTimestamp() == null;
      });
    }
  }
}
