package dev.kvx.e2e.scheduler;

import dev.kvx.e2e.KvxProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One {@code kvx scheduler --kubeconfig=FILE …} as a child process, the way an operator runs a
 * replica. It runs {@code java -jar kvx.jar scheduler}, which is what the {@code ./kvx} script
 * {@code exec}s, from a copy of the launcher taken once per test class ({@link #prepareLauncher}):
 * the process is the scheduler itself, so {@link #kill()} is a real SIGKILL of it, and a concurrent
 * rebuild of the checkout cannot swap its classes mid-test.
 */
final class SchedulerReplica implements AutoCloseable {

  /** The script's JVM options plus C1 only: a replica living a minute starts twice as fast. */
  static final List<String> JAVA_OPTS =
      List.of("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1");

  // LeaderElector logs its identity (<hostname>_<uuid>) when it starts campaigning.
  private static final Pattern IDENTITY =
      Pattern.compile("Attempting to acquire leader lease \\S+ as (\\S+?)\\.\\.\\.");

  private final String name;
  private final Process process;
  private final Path log;
  // Kills the replica if the test JVM exits without closing it (a crashed or interrupted run).
  private final Thread reaper;

  private SchedulerReplica(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.reaper = new Thread(process::destroyForcibly, "kvx-e2e-reaper-" + name);
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /**
   * Builds the launcher if stale ({@code ./kvx --help}, tests skipped) and copies its jar and
   * {@code lib/} under {@code workDir}; returns the copied jar. Blocks.
   */
  static Path prepareLauncher(Path workDir) {
    KvxProcess.buildLauncher(workDir);
    Path target = KvxProcess.repositoryRoot().resolve("launcher/target");
    Path copy = workDir.resolve("kvx");
    try {
      Files.createDirectories(copy.resolve("lib"));
      Files.copy(target.resolve("kvx.jar"), copy.resolve("kvx.jar"));
      try (Stream<Path> libs = Files.list(target.resolve("lib"))) {
        for (Path lib : libs.toList()) {
          Files.copy(lib, copy.resolve("lib").resolve(lib.getFileName()));
        }
      }
      return copy.resolve("kvx.jar");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code kvx scheduler --kubeconfig=KUBECONFIG FLAGS…}, output appended to {@code log}.
   */
  static SchedulerReplica start(
      String name, Path launcherJar, Path kubeconfig, List<String> flags, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JAVA_OPTS);
    command.addAll(List.of("-jar", launcherJar.toString(), "scheduler"));
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(flags);
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "--- " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      return new SchedulerReplica(name, p, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  String name() {
    return name;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The identity this replica campaigns with, once it has logged it; null before. */
  String identity() {
    Matcher m = IDENTITY.matcher(output());
    return m.find() ? m.group(1) : null;
  }

  /** SIGKILL: no shutdown hook runs, the Lease is not released. */
  void kill() {
    process.destroyForcibly();
    awaitExit();
  }

  private void awaitExit() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError(name + " did not exit within 60 s:\n" + logTail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    removeReaper();
  }

  private void removeReaper() {
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The last 40 lines of the output, for failure messages. */
  String logTail() {
    List<String> lines = output().lines().toList();
    return name
        + " ("
        + log
        + "):\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** SIGTERM (the replica releases its Lease), SIGKILL if it hangs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    removeReaper();
  }

  @Override
  public String toString() {
    return name + (process.isAlive() ? " (pid " + process.pid() + ")" : " (exited)");
  }
}
