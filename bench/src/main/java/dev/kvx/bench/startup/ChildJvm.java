package dev.kvx.bench.startup;

import dev.kvx.bench.BenchmarkFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh JVM running the kvx launcher ({@code dev.kvx.launcher.Kvx}) with this JVM's java, options
 * and class path, as {@code ./kvx} would start it: cold starts measure what a user waits for,
 * class loading and JIT warm-up included.
 */
final class ChildJvm {

  private ChildJvm() {}

  static List<String> command(List<String> kvxArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-Xrunjdwp")) {
        cmd.add(arg);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.kvx.launcher.Kvx");
    cmd.addAll(kvxArgs);
    return cmd;
  }

  /**
   * Runs {@code kvx ARGS} to completion; returns its wall time in seconds.
   *
   * @throws BenchmarkFailure on a non-zero exit or after {@code timeout}
   */
  static double runToCompletion(List<String> kvxArgs, Path log, Duration timeout)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(command(kvxArgs))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new BenchmarkFailure("kvx " + String.join(" ", kvxArgs) + " took over " + timeout, null);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (p.exitValue() != 0) {
      throw new BenchmarkFailure(
          "kvx " + String.join(" ", kvxArgs) + " exited with " + p.exitValue() + "; see " + log, null);
    }
    return seconds;
  }

  /**
   * Starts {@code kvx ARGS} and returns once a line of its standard output starts with {@code
   * readyLine}: the seconds until then, and the still running process (the caller stops it).
   */
  static Started startUntilLine(List<String> kvxArgs, String readyLine, Duration timeout)
      throws IOException {
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(command(kvxArgs))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    long deadline = System.nanoTime() + timeout.toNanos();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    // readLine blocks; a process that hangs without output is caught by the caller's deadline
    // through destroy in stop().
    while ((line = out.readLine()) != null) {
      if (line.startsWith(readyLine)) {
        return new Started(p, (System.nanoTime() - t0) / 1e9);
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    p.destroyForcibly();
    throw new BenchmarkFailure(
        "kvx " + String.join(" ", kvxArgs) + " did not print '" + readyLine + "'", null);
  }

  /** A started child and how long it took to be ready. */
  record Started(Process process, double seconds) {
    /** SIGTERM, then SIGKILL after 30 s. */
    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
