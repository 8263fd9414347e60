package dev.kvx.e2e.prometheus;

import java.nio.file.Path;

/**
 * Where Debian's prometheus package installs its binaries (.ci/run installs it); tests require them
 * through {@link dev.kvx.e2e.RequiredTools#requireExecutable}.
 */
public final class Tools {

  public static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  public static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  private Tools() {}
}
