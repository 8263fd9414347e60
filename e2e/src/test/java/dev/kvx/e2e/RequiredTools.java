package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The project's rule for external tools (kubectl, etcd, Docker, Prometheus), in one place for every
 * e2e package: a missing one fails the test when {@code CI=true}, so CI can never pass by skipping,
 * and only skips it on a developer machine.
 */
public final class RequiredTools {

  private RequiredTools() {}

  public static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Fails (CI) or aborts (elsewhere) the current test unless {@code available}. */
  public static void require(boolean available, String what) {
    if (available) {
      return;
    }
    if (ci()) {
      fail(what + " is missing and CI=true: install it (see .ci/run)");
    }
    Assumptions.abort(what + " is missing: skipped outside CI");
  }

  /** The kubectl release {@code binary}, installed. */
  public static void require(KubectlBinary binary) {
    require(binary.installed(), "kubectl " + binary.version() + " (" + binary.path() + ")");
  }

  /** An executable at {@code tool}, such as {@code /usr/bin/prometheus}. */
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
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
