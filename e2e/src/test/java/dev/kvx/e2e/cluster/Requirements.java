package dev.kvx.e2e.cluster;

import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * The project's rule for external tools (etcd, Docker, kubectl): a missing one fails the test when
 * {@code CI=true}, so CI can never pass by skipping, and only skips it on a developer machine. (The
 * same rule as {@code dev.kvx.e2e.RequiredTools}, which is package-private there.)
 */
final class Requirements {

  private Requirements() {}

  static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Fails (CI) or aborts (elsewhere) the current test unless {@code available}. */
  static void require(boolean available, String what) {
    if (available) {
      return;
    }
    if (ci()) {
      fail(what + " is missing and CI=true: install it (see .ci/run)");
    }
    Assumptions.abort(what + " is missing: skipped outside CI");
  }
}
