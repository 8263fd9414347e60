package dev.kvx.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code kvx SUBCOMMAND …} of a cluster as a child process, started again with the same flags
 * (so the same data dir and ports) after a stop or a kill. Its output is appended to one log file
 * across restarts. A JVM shutdown hook kills a process a crashed test run left behind.
 *
 * <p>Not thread-safe: one test thread drives a cluster.
 */
public final class ComponentProcess {

  /** SIGTERM runs the component's shutdown (leases released, informers stopped) within 30 s. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final String name;
  private final Launcher launcher;
  private final List<String> args;
  private final Path log;
  private Process process;
  private Thread reaper;
  private Instant startedAt;

  ComponentProcess(String name, Launcher launcher, List<String> args, Path log) {
    this.name = name;
    this.launcher = launcher;
    this.args = List.copyOf(args);
    this.log = log;
  }

  /** e.g. {@code apiserver} or {@code kubelet-agent e2e-x1-2}. */
  public String name() {
    return name;
  }

  /** Starts the process unless it runs; readiness is the cluster's business. */
  void start() {
    if (alive()) {
      return;
    }
    List<String> command = launcher.command(args);
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "--- " + Instant.now() + " " + String.join(" ", command) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      startedAt = Instant.now();
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      process = p;
      reaper = new Thread(p::destroyForcibly, "kvx-e2e-reaper-" + name);
      Runtime.getRuntime().addShutdownHook(reaper);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** When the current (or last) process was started. */
  public Instant startedAt() {
    return startedAt;
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  /** Fails with the log's tail when the process has exited: it should be running. */
  void requireAlive() {
    if (process != null && !process.isAlive()) {
      throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail(40));
    }
  }

  /** SIGTERM, as a service manager stops it; returns the exit code (143 = by the signal). */
  public int stop() {
    if (!alive()) {
      return process == null ? 0 : process.exitValue();
    }
    process.destroy();
    return awaitExit();
  }

  /** SIGKILL: no shutdown hook runs, nothing is released. */
  public void kill() {
    if (alive()) {
      process.destroyForcibly();
      awaitExit();
    }
  }

  private int awaitExit() {
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            name + " did not exit within " + STOP_TIMEOUT + ":\n" + logTail(40));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      removeReaper();
    }
  }

  private void removeReaper() {
    if (reaper != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
      reaper = null;
    }
  }

  /** The last {@code lines} lines of the log, for failure messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  public Path log() {
    return log;
  }

  @Override
  public String toString() {
    return name + (alive() ? " (pid " + process.pid() + ")" : " (stopped)");
  }
}
