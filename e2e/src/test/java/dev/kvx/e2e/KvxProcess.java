package dev.kvx.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * {@code ./kvx apiserver} as a child process, as a user runs it: the repository's launcher script
 * on a data dir and a fixed port, so it can be killed and started again on the same ones. The
 * script {@code exec}s the JVM, so the process is the API server itself and {@link #kill()} is a
 * real SIGKILL of it.
 */
public final class KvxProcess implements AutoCloseable {

  /** First start may build the launcher (the script does, when sources are newer than its jar). */
  static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

  /** Generous: a JVM start and the first TLS request take seconds on a busy 2-core CI machine. */
  static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final Process process;
  private final Path log;
  private final Path dataDir;

  private KvxProcess(Process process, Path log, Path dataDir) {
    this.process = process;
    this.log = log;
    this.dataDir = dataDir;
  }

  /**
   * The repository root: the nearest ancestor of the working directory with the {@code kvx} script.
   */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isExecutable(d.resolve("kvx")) && Files.isRegularFile(d.resolve("pom.xml"))) {
        return d;
      }
    }
    throw new IllegalStateException("no kvx launcher script above " + dir);
  }

  /**
   * Runs {@code ./kvx --help} once, so a stale launcher is rebuilt before any timed start (or any
   * copy of its jar). Tests are skipped from the nested build ({@code maven.test.skip}): this
   * build only needs the launcher. Its output goes to {@code workDir/kvx-build.log}. Blocks.
   */
  public static void buildLauncher(Path workDir) {
    Path out = workDir.resolve("kvx-build.log");
    try {
      Files.createDirectories(workDir);
      Process p = builder(List.of("--help"), out).start();
      if (!p.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            "./kvx --help did not finish in " + BUILD_TIMEOUT + ":\n" + tail(out));
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("./kvx --help exited with " + p.exitValue() + ":\n" + tail(out));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static ProcessBuilder builder(List<String> args, Path output) {
    Path root = repositoryRoot();
    List<String> command = new ArrayList<>();
    command.add(root.resolve("kvx").toString());
    command.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    String mvnOpts = pb.environment().getOrDefault("KVX_MVN_OPTS", "");
    pb.environment().put("KVX_MVN_OPTS", (mvnOpts + " -Dmaven.test.skip=true").trim());
    // The script's default JVM options plus C1 only: a server that lives for seconds starts in
    // about
    // half the time on two busy cores. A KVX_JAVA_OPTS from the environment wins.
    pb.environment()
        .putIfAbsent(
            "KVX_JAVA_OPTS",
            "-XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1");
    pb.environment().remove("KVX_HOME");
    return pb;
  }

  /**
   * Starts {@code ./kvx apiserver --data-dir=DIR --secure-port=PORT [extra flags]}; call {@link
   * #awaitReady} before using it.
   */
  static KvxProcess start(Path dataDir, int port, List<String> extraFlags, Path log) {
    List<String> args =
        new ArrayList<>(List.of("apiserver", "--data-dir=" + dataDir, "--secure-port=" + port));
    args.addAll(extraFlags);
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "--- ./kvx " + String.join(" ", args) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      return new KvxProcess(builder(args, log).start(), log, dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the kubeconfig exists and {@code /readyz} answers through kubectl. */
  KvxProcess awaitReady(Kubectl kubectl) {
    try {
      await()
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError(
                      "./kvx apiserver exited with " + process.exitValue() + ":\n" + tail(log));
                }
                if (!Files.exists(dataDir.resolve("kubeconfig"))) {
                  return false;
                }
                try {
                  return kubectl
                          .run(Duration.ofSeconds(30), null, List.of("get", "--raw", "/readyz"))
                          .exitCode()
                      == 0;
                } catch (AssertionError slow) {
                  return false; // a probe that hangs counts as not ready yet; the deadline above
                                // still holds
                }
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "./kvx apiserver not ready within " + START_TIMEOUT + ":\n" + tail(log), e);
    }
    return this;
  }

  /** SIGKILL: no shutdown hook, no flush. */
  void kill() {
    process.destroyForcibly();
    awaitExit();
  }

  /** SIGTERM, as Ctrl-C or a service manager stops it; returns the exit code. */
  int stop() {
    process.destroy();
    return awaitExit();
  }

  private int awaitExit() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("./kvx apiserver did not exit within 60 s:\n" + tail(log));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  String log() {
    return tail(log);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      awaitExit();
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }
}
