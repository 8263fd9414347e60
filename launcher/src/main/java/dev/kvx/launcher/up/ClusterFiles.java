package dev.kvx.launcher.up;

import dev.kvx.apiserver.json.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The files {@code kvx up} keeps in its data dir next to the API server's (store, PKI, kubeconfig)
 * and the agents' ({@code kubelet/<node>}):
 *
 * <ul>
 *   <li>{@code kvx.lock}: locked by the running cluster process for its whole life; whether it can
 *       be locked says whether a cluster runs, with no stale-pid guesswork;
 *   <li>{@code kvx.pid}: that process' id, for {@code kvx down};
 *   <li>{@code cluster.json}: the {@link ClusterState} of the last start (kept after {@code kvx
 *       down}, so the next {@code kvx up} brings the same cluster back);
 *   <li>{@code kvx.log}: the background process' output.
 * </ul>
 */
public record ClusterFiles(Path dataDir) {

  /** Prefix of the background process' progress lines in the log, echoed by {@code kvx up}. */
  public static final String PROGRESS_PREFIX = "kvx up: ";

  /**
   * Prefix of the background process' lines saying why it cannot start and what to do, echoed by
   * {@code kvx up} to its standard error.
   */
  public static final String ERROR_PREFIX = "kvx up: error: ";

  public ClusterFiles {
    dataDir = dataDir.toAbsolutePath().normalize();
  }

  public Path lock() {
    return dataDir.resolve("kvx.lock");
  }

  public Path pid() {
    return dataDir.resolve("kvx.pid");
  }

  public Path state() {
    return dataDir.resolve("cluster.json");
  }

  public Path log() {
    return dataDir.resolve("kvx.log");
  }

  public Path kubeconfig() {
    return dataDir.resolve("kubeconfig");
  }

  /** Whether the directory holds a kvx cluster (so that {@code --purge} may delete it). */
  public boolean looksLikeCluster() {
    return Files.exists(state()) || Files.exists(kubeconfig()) || Files.exists(lock());
  }

  /** The id of the running cluster process, if one runs on this data dir. */
  public OptionalLong runningPid() {
    if (!Files.exists(lock())) {
      return OptionalLong.empty();
    }
    try (FileChannel ch = FileChannel.open(lock(), StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      if (l != null) {
        l.release();
        return OptionalLong.empty(); // nobody holds it: no cluster runs
      }
    } catch (java.nio.channels.OverlappingFileLockException e) {
      // this very JVM holds it: the cluster runs here
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(Files.readString(pid()).strip()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.of(-1); // running, but the pid file is not written yet
    }
  }

  /**
   * Locks the data dir for this process' life (the lock is never released: the OS drops it when
   * the process exits) and records the pid; empty if another process holds the lock.
   */
  public Optional<FileLock> lockForThisProcess() throws IOException {
    Files.createDirectories(dataDir);
    FileChannel ch =
        FileChannel.open(lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l = ch.tryLock();
    if (l == null) {
      ch.close();
      return Optional.empty();
    }
    writeAtomically(pid(), Long.toString(ProcessHandle.current().pid()) + "\n");
    pid().toFile().deleteOnExit(); // runs after the shutdown hooks have stopped the cluster
    return Optional.of(l);
  }

  public Optional<ClusterState> readState() {
    try {
      return Optional.of(Json.MAPPER.readValue(state().toFile(), ClusterState.class));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  public void writeState(ClusterState state) throws IOException {
    writeAtomically(state(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(state));
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
