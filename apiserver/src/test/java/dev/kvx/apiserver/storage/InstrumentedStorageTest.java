package dev.kvx.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.storage.embedded.EmbeddedStorage;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstrumentedStorageTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/registry/pods/default/web-1, pods",
    "/registry/pods/, pods",
    "/registry/namespaces/kube-system, namespaces",
    "/registry/deployments/default/web, deployments",
    "/registry/stable.example.com/crontabs/default/c1, crontabs.stable.example.com",
    "/registry/stable.example.com/crontabs/, crontabs.stable.example.com",
    "/registry/apiregistration.k8s.io/apiservices/v1.apps, apiservices.apiregistration.k8s.io",
    "/registry/, unknown",
    "/other/key, unknown",
    "'', unknown"
  })
  void resourceTypeComesFromTheKey(String key, String type) {
    assertThat(InstrumentedStorage.resourceType(key)).isEqualTo(type);
  }

  @Test
  void timesEachOperationUnderKubeApiserversMetricName() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Storage storage = new InstrumentedStorage(EmbeddedStorage.inMemory(), registry)) {
      await(storage.create("/registry/pods/default/a", new byte[0]));
      storage.create("/registry/pods/default/a", new byte[0]).otherwiseEmpty(); // KeyExists
      await(storage.update("/registry/pods/default/a", new byte[1], 0));
      await(storage.get("/registry/pods/default/a"));
      await(storage.list("/registry/stable.example.com/crontabs/"));
      await(storage.delete("/registry/pods/default/a", 0));
      await(storage.currentRevision());

      Timer creates =
          registry
              .get(InstrumentedStorage.METRIC)
              .tags("operation", "create", "type", "pods", "backend", "embedded")
              .timer();
      assertThat(creates.count()).isEqualTo(2); // failures are timed too
      assertThat(
              registry
                  .get(InstrumentedStorage.METRIC)
                  .tags("operation", "list", "type", "crontabs.stable.example.com")
                  .timer()
                  .count())
          .isEqualTo(1);
      String page = registry.scrape();
      assertThat(page)
          .contains("# TYPE etcd_request_duration_seconds histogram")
          .contains(
              "etcd_request_duration_seconds_bucket{backend=\"embedded\",operation=\"update\","
                  + "type=\"pods\",le=\"+Inf\"} 1")
          .contains(
              "etcd_request_duration_seconds_count{backend=\"embedded\",operation=\"get\",type=\"pods\"}"
                  + " 1")
          .contains("operation=\"currentRevision\"")
          .doesNotContain("etcd_request_duration_seconds_seconds");
    }
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
