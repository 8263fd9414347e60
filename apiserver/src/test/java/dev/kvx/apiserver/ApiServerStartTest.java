package dev.kvx.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up steps that run side by side: one failing fails the start, without hanging it. */
class ApiServerStartTest {

  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aPkiThatCannotBeWrittenFailsTheStartWhileStorageOpened() throws Exception {
    Files.writeString(dir.resolve("pki"), "a file where the PKI directory goes");
    assertThatThrownBy(
            () ->
                ApiServer.start(vertx, ApiServerOptions.forTest(dir))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(60, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    assertThat(dir.resolve("kubeconfig")).doesNotExist();
    // With the obstacle gone, the same data dir starts.
    Files.delete(dir.resolve("pki"));
    ApiServer server =
        ApiServer.start(vertx, ApiServerOptions.forTest(dir))
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    assertThat(dir.resolve("kubeconfig")).exists();
    server.close().await();
  }
}
