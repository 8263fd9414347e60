package dev.kvx.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one kubectl binary against one kubeconfig, the way a user would, and captures what the user
 * sees: stdout, stderr and the exit code.
 *
 * <p>Every instance has its own {@code --cache-dir}: kubectl caches discovery for hours per
 * host:port, and a restarted server on a reused port, or another test's server, must never answer
 * from a stale cache. Output goes to files rather than pipes, so a chatty command can't block on a
 * full pipe and a background command ({@code get -w}) can be read while it runs. Blocking: runs on
 * the calling (test) thread.
 */
public final class Kubectl {

  /** Far above what a command needs; only a hang on a loaded machine reaches it. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final KubectlBinary binary;
  private final Path kubeconfig;
  private final Path workDir;

  /**
   * @param workDir a directory of this instance's own: discovery cache and captured output
   */
  public Kubectl(KubectlBinary binary, Path kubeconfig, Path workDir) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.workDir = workDir;
    try {
      Files.createDirectories(workDir.resolve("cache"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public KubectlBinary binary() {
    return binary;
  }

  /** Runs {@code kubectl ARGS} to completion (at most {@link #DEFAULT_TIMEOUT}). */
  public Result run(String... args) {
    return run(DEFAULT_TIMEOUT, null, List.of(args));
  }

  /** Runs {@code kubectl ARGS} with {@code stdin} as its standard input (e.g. {@code -f -}). */
  public Result runWithInput(String stdin, String... args) {
    return run(DEFAULT_TIMEOUT, stdin, List.of(args));
  }

  /** Runs {@code kubectl ARGS}; fails the test if it has not exited within {@code timeout}. */
  public Result run(Duration timeout, String stdin, List<String> args) {
    Started started = launch(stdin, args);
    try {
      if (!started.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        started.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError(
            "kubectl did not finish within "
                + timeout
                + ": "
                + started.command
                + "\nstdout: "
                + read(started.stdout)
                + "\nstderr: "
                + read(started.stderr));
      }
    } catch (InterruptedException e) {
      started.process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + started.command, e);
    }
    return new Result(
        started.command, started.process.exitValue(), read(started.stdout), read(started.stderr));
  }

  /** Runs {@code kubectl ARGS -o json}, requires exit code 0 and returns the parsed output. */
  public JsonNode json(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-o", "json"));
    Result r = run(DEFAULT_TIMEOUT, null, all);
    if (r.exitCode() != 0) {
      throw new AssertionError("expected exit code 0 from " + r);
    }
    return JSON.readTree(r.stdout());
  }

  /** Starts a long-running command such as {@code get -w}; close the handle to stop it. */
  public Background start(String... args) {
    return new Background(launch(null, List.of(args)));
  }

  private Started launch(String stdin, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binary.path().toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + workDir.resolve("cache"));
    command.addAll(args);
    try {
      Path out = Files.createTempFile(workDir, "kubectl-", ".out");
      Path err = Files.createTempFile(workDir, "kubectl-", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      // Nothing from the developer's environment may pick another cluster or config.
      pb.environment().remove("KUBECONFIG");
      pb.environment().put("HOME", workDir.toString());
      if (stdin == null) {
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      }
      Process process = pb.start();
      if (stdin != null) {
        try (var in = process.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      return new Started(List.copyOf(command), process, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Started(List<String> command, Process process, Path stdout, Path stderr) {}

  /** What a finished kubectl command printed and returned. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {

    /** stdout and stderr together, as a terminal shows them. */
    public String output() {
      return stdout + stderr;
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + "\nexit code "
          + exitCode
          + "\nstdout:\n"
          + stdout
          + "\nstderr:\n"
          + stderr;
    }
  }

  /** A running kubectl (e.g. a watch) whose output can be read while it runs. */
  public static final class Background implements AutoCloseable {

    private final Started started;

    private Background(Started started) {
      this.started = started;
    }

    /** Everything written to stdout so far. */
    public String stdout() {
      return read(started.stdout);
    }

    public String stderr() {
      return read(started.stderr);
    }

    /** The complete lines written to stdout so far. */
    public List<String> lines() {
      String out = stdout();
      int end = out.lastIndexOf('\n');
      return end < 0 ? List.of() : List.of(out.substring(0, end).split("\n"));
    }

    public boolean alive() {
      return started.process.isAlive();
    }

    /** Waits for the command to exit by itself and returns its result. */
    public Result await(Duration timeout) {
      try {
        if (!started.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new AssertionError(
              "kubectl still running after "
                  + timeout
                  + ": "
                  + started.command
                  + "\nstdout: "
                  + stdout()
                  + "\nstderr: "
                  + stderr());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      return new Result(started.command, started.process.exitValue(), stdout(), stderr());
    }

    @Override
    public String toString() {
      return String.join(" ", started.command)
          + "\nstdout:\n"
          + stdout()
          + "\nstderr:\n"
          + stderr();
    }

    /** Stops the command (SIGTERM, as Ctrl-C would) if it still runs. */
    @Override
    public void close() {
      started.process.destroy();
      try {
        if (!started.process.waitFor(5, TimeUnit.SECONDS)) {
          started.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        started.process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
