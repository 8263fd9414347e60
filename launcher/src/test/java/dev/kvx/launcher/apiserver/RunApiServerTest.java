package dev.kvx.launcher.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kvx.apiserver.ApiServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunApiServerTest {

  @TempDir Path dataDir;

  @Test
  void aServerThatCannotStartExitsWithOneInsteadOfBlocking() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ApiServerOptions options =
          new ApiServerOptions(dataDir, List.of(), taken.getLocalPort(), "127.0.0.1", true, null);
      ByteArrayOutputStream out = new ByteArrayOutputStream();

      int code =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60),
              () -> new RunApiServer(options, new PrintStream(out, true, StandardCharsets.UTF_8)).run());

      assertThat(code).isEqualTo(1);
      assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("serving on");
    }
  }
}
