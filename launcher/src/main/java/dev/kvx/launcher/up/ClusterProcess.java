package dev.kvx.launcher.up;

import java.util.List;

/**
 * The main class of the process {@code kvx up} starts in the background: {@link RunCluster} with
 * the settings the parent resolved ({@link ClusterSettings#foregroundArgs()}, so {@code ps} shows
 * {@code up --foreground …} as before). It skips what the parent already did: the whole {@code kvx}
 * command tree (picocli is Java 5 bytecode, which the class-data archive cannot hold: building the
 * tree cost 0.3 s of every start) and reading the last start's settings.
 */
public final class ClusterProcess {

  private ClusterProcess() {}

  public static void main(String[] args) {
    ClusterSettings settings;
    try {
      settings = ClusterSettings.fromForegroundArgs(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println("kvx up: " + e.getMessage());
      System.exit(2); // picocli's exit code for a usage error
      return;
    }
    System.exit(new RunCluster(settings, System.out).run());
  }
}
