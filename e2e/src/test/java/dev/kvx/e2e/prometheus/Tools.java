package dev.kvx.e2e.prometheus;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The project's rule for external tools (Prometheus, Docker, kubectl), as {@code
 * dev.kvx.e2e.RequiredTools} states it for its package: a missing tool fails the test when {@code
 * CI=true}, so CI never passes by skipping, and skips it only on a developer machine.
 */
public final class Tools {

  public static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  public static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  private Tools() {}

  /** Fails (CI) or aborts (elsewhere) the current test unless {@code available}. */
  public static void require(boolean available, String what) {
    if (available) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(what + " is missing and CI=true: install it (see .ci/run)");
    }
    Assumptions.abort(what + " is missing: skipped outside CI");
  }

  public static void requireExecutable(Path tool) {
    require(Files.isExecutable(tool), tool.toString());
  }

  /** True when {@code docker info} answers within 30 s (the engine runs and we may use it). */
  public static boolean dockerAnswers() {
    try {
      Process p =
          new ProcessBuilder("docker", "info", "--format", "{{.ServerVersion}}")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
