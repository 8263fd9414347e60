package dev.kvx.launcher.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kvx apiserver} as a user runs it: its own JVM, kubectl with the kubeconfig it writes, a
 * SIGTERM that stops it cleanly, and a restart on the same data dir that keeps the CA.
 */
class ApiServerProcessTest {

  private static final Pattern SERVING = Pattern.compile("serving on https://127\\.0\\.0\\.1:(\\d+)");
  private static final Path KUBECTL = Path.of("/usr/bin/kubectl");

  @TempDir Path dataDir;
  private Process process;

  @AfterEach
  void killLeftover() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void servesKubectlWithItsKubeconfigStopsOnSigtermAndKeepsItsCaOnRestart() throws Exception {
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed");
    }

    Started first = start();
    assertThat(kubectl("version", "-o", "json")).contains("\"serverVersion\"");
    assertThat(kubectl("get", "namespaces", "-o", "name")).contains("namespace/default");
    byte[] ca = Files.readAllBytes(dataDir.resolve("pki/ca.crt"));

    process.destroy(); // SIGTERM
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
    assertThat(process.exitValue()).isEqualTo(143);
    assertThat(Files.readString(first.stderr())).contains("apiserver shutting down");

    start();
    assertThat(Files.readAllBytes(dataDir.resolve("pki/ca.crt"))).isEqualTo(ca);
    assertThat(kubectl("get", "namespaces", "-o", "name")).contains("namespace/default");
  }

  private record Started(int port, Path stderr) {}

  private Started start() throws IOException {
    Path stderr = Files.createTempFile(dataDir, "stderr", ".log");
    process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                // C1 only: half the CPU of a cold start, which shares two cores with the module's
                // in-JVM cluster tests (a loaded machine took over 90 s with C2).
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classPath(),
                "dev.kvx.launcher.Kvx",
                "apiserver",
                "--data-dir=" + dataDir,
                "--secure-port=0")
            .redirectError(stderr.toFile())
            .start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Process current = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(current.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "kvx-stdout");
    reader.setDaemon(true);
    reader.start();
    int[] port = new int[1];
    await("kvx apiserver reports where it serves")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .failFast("kvx apiserver exited", () -> !current.isAlive())
        .until(
            () ->
                lines.stream()
                    .map(SERVING::matcher)
                    .filter(Matcher::find)
                    .findFirst()
                    .map(m -> port[0] = Integer.parseInt(m.group(1)))
                    .isPresent());
    assertThat(lines).anySatisfy(l -> assertThat(l).contains(dataDir.resolve("kubeconfig").toString()));
    return new Started(port[0], stderr);
  }

  private String kubectl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig",
        dataDir.resolve("kubeconfig").toString()));
    command.addAll(List.of(args));
    Process kubectl = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).as("kubectl finished").isTrue();
    String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kubectl.exitValue()).as("kubectl %s: %s", List.of(args), output).isZero();
    return output;
  }

  // Surefire runs tests from a manifest-only jar; it passes the real class path in this property.
  private static String classPath() {
    String path = System.getProperty("surefire.test.class.path");
    return path != null && !path.isBlank() ? path : System.getProperty("java.class.path");
  }
}
