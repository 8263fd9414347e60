package dev.kvx.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives a test class a running {@link ProcessCluster}: started before its first test, closed (every
 * process stopped, every container removed, its files deleted) after its last. When a test fails,
 * the cluster's nodes, pods and the tails of the component logs go to stderr, next to the failure.
 * Register it on a static field; the tests share the cluster and keep apart by namespace.
 *
 * <pre>{@code
 * @RegisterExtension static final ProcessClusterExtension kind = new ProcessClusterExtension(3);
 * ... kind.cluster().kubectl(KubectlBinary.of("1.32")), kind.cluster().client()
 * }</pre>
 */
public final class ProcessClusterExtension
    implements BeforeAllCallback, AfterAllCallback, TestWatcher {

  private final int nodes;
  private Path dir;
  private ProcessCluster cluster;

  /** A cluster of {@code nodes} kubelet-agents. */
  public ProcessClusterExtension(int nodes) {
    this.nodes = nodes;
  }

  public ProcessCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("the cluster starts before the first test (static field?)");
    }
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("kvx-e2e-cluster-");
    cluster = ProcessCluster.start(dir, nodes);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      cluster = null;
      deleteRecursively(dir);
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    if (cluster != null) {
      System.err.println(
          "---- " + context.getDisplayName() + " failed; the cluster:\n" + cluster.diagnostics());
    }
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a temp dir
    }
  }
}
