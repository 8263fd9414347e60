package dev.kvx.apiserver.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.testing.InJvmApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A delete without preconditions succeeds while other clients keep writing the object (as a
 * controller updating status does): upstream retries its compare-and-swap, it never answers 409.
 */
class DeleteUnderConcurrentWritesTest {

  @RegisterExtension static final InJvmApiServer api = new InJvmApiServer();

  @Test
  void deleteWithoutPreconditionsNeverConflicts() throws Exception {
    for (int round = 0; round < 20; round++) {
      String name = "busy-" + round;
      ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("default")
          .endMetadata().addToData("n", "0").build();
      api.client().configMaps().inNamespace("default").resource(cm).create();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger writes = new AtomicInteger();
      Thread writer = new Thread(() -> {
        while (!stop.get()) {
          try {
            api.client().configMaps().inNamespace("default").withName(name).patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"data\":{\"n\":\"" + writes.incrementAndGet() + "\"}}");
          } catch (KubernetesClientException e) {
            return; // gone: the delete went through
          }
        }
      });
      writer.start();
      try {
        // Let the writer get going, so the delete's read and write straddle its patches.
        while (writes.get() < 3) {
          Thread.onSpinWait();
        }
        assertThat(api.client().configMaps().inNamespace("default").withName(name).delete()).hasSize(1);
      } finally {
        stop.set(true);
        writer.join(10_000);
      }
      assertThat(api.client().configMaps().inNamespace("default").withName(name).get()).isNull();
    }
  }
}
