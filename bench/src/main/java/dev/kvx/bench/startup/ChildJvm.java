package dev.kvx.bench.startup;

import dev.kvx.bench.BenchmarkFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import dev.kvx.launcher.up.ClusterJvm;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh JVM running the kvx launcher ({@code dev.kvx.launcher.Kvx}) as {@code kvx up} starts its
 * cluster process ({@link ClusterJvm}: this JVM's java and options, C1 only, the class-data archive
 * once one exists), on this class path without its directories (an archive covers jars only): cold
 * starts measure what a user waits for, class loading and JIT included.
 */
final class ChildJvm {

  private ChildJvm() {}

  static List<String> command(List<String> kvxArgs) {
    return ClusterJvm.command(kvxArgs, null, classPath());
  }

  /** This JVM's class path without directories (bench/target/classes): the launcher's jars. */
  static String classPath() {
    return String.join(
        File.pathSeparator,
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(e -> !e.isEmpty() && !new File(e).isDirectory())
            .toList());
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
        double cpu =
            p.toHandle().info().totalCpuDuration().map(d -> d.toMillis() / 1e3).orElse(Double.NaN);
        return new Started(p, (System.nanoTime() - t0) / 1e9, cpu);
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    p.destroyForcibly();
    throw new BenchmarkFailure(
        "kvx " + String.join(" ", kvxArgs) + " did not print '" + readyLine + "'", null);
  }

  /** A started child, how long it took to be ready and the CPU time it had used by then. */
  record Started(Process process, double seconds, double cpuSeconds) {
    /** SIGTERM, then SIGKILL after 30 s. */
    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
