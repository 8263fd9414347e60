package dev.kvx.e2e.prometheus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The repository's {@code manifests/} directory: the example workloads, the sample Prometheus
 * configuration and the scripts that build the local images they run (no registry is reachable).
 */
public final class ExampleManifests {

  /** The image every example runs, built by {@code manifests/images/busybox/build.sh}. */
  public static final String BUSYBOX_IMAGE = "kvx/busybox:latest";

  private ExampleManifests() {}

  /** {@code manifests/}: found above the working directory (Maven runs tests in {@code e2e/}). */
  public static Path directory() {
    Path start = Path.of("").toAbsolutePath();
    for (Path d = start; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("manifests/images"))
          && Files.isRegularFile(d.resolve("pom.xml"))) {
        return d.resolve("manifests");
      }
    }
    throw new IllegalStateException("no manifests/ directory above " + start);
  }

  /** A file under {@code manifests/}, e.g. {@code prometheus/prometheus.yml}. */
  public static Path file(String relative) {
    return directory().resolve(relative);
  }

  /**
   * Runs {@code manifests/images/<image>/build.sh TAG}, as .ci/run does, and fails with the
   * script's output if it does not succeed within five minutes. Blocking.
   */
  public static void buildImage(String image, String tag, Path workDir) {
    Path script = file("images/" + image + "/build.sh");
    run(List.of(script.toString(), tag), Map.of(), workDir.resolve("build-" + image + ".log"));
  }

  /**
   * Runs {@code command} with {@code env} added to the environment, output to {@code log}; returns
   * the output, throws with it unless the command exits with 0 within five minutes. Blocking.
   */
  static String run(List<String> command, Map<String, String> env, Path log) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      builder.environment().putAll(env);
      Process p = builder.start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish in 5 minutes:\n" + read(log));
      }
      String out = read(log);
      if (p.exitValue() != 0) {
        throw new AssertionError(command + " exited with " + p.exitValue() + ":\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
