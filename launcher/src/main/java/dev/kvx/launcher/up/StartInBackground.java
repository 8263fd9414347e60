package dev.kvx.launcher.up;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The action of {@code kvx up}: starts the cluster in a detached child JVM ({@link ClusterJvm},
 * running {@code kvx up --foreground} in a session of its own, its output in {@code kvx.log}),
 * echoes the child's progress lines, and returns once the child has recorded that every node is
 * Ready. If the child dies or the deadline passes first, it shows the end of the log and fails.
 *
 * <p>It wakes up when a file of the data dir changes (the log grows, {@code cluster.json} appears),
 * so readiness shows at once; {@link #POLL} bounds the wait where file events are slow or missing.
 */
public final class StartInBackground {

  static final Duration POLL = Duration.ofMillis(100);
  static final long MAX_LOG_BYTES = 10L * 1024 * 1024;

  private final ClusterSettings settings;
  private final String downCommand;
  private final Duration deadline;
  private final PrintStream out;
  private final PrintStream err;

  /**
   * @param downCommand how to stop it, as printed ({@code kvx down}, with the data dir if not the
   *     default)
   */
  public StartInBackground(
      ClusterSettings settings,
      String downCommand,
      Duration deadline,
      PrintStream out,
      PrintStream err) {
    this.settings = settings;
    this.downCommand = downCommand;
    this.deadline = deadline;
    this.out = out;
    this.err = err;
  }

  /** Returns the exit code: 0 once the cluster is ready, 1 if it could not start. */
  public int run() throws IOException, InterruptedException {
    ClusterFiles files = new ClusterFiles(settings.dataDir());
    Files.createDirectories(files.dataDir());
    rotateLog(files.log());
    Files.writeString(
        files.log(),
        "---- kvx up " + Instant.now() + " " + String.join(" ", settings.foregroundArgs()) + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    long logStart = Files.size(files.log());
    long t0 = System.nanoTime();

    ProcessBuilder pb =
        new ProcessBuilder(childCommand())
            .directory(files.dataDir().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log().toFile()));
    Process child = pb.start();

    try (RandomAccessFile log = new RandomAccessFile(files.log().toFile(), "r");
        WatchService changes = watch(files.dataDir())) {
      LineTail tail = new LineTail(log, logStart);
      long end = System.nanoTime() + deadline.toNanos();
      boolean explained = false;
      while (true) {
        // The state first, then the log: every progress line the child wrote before it recorded
        // that it is ready shows before the summary.
        Optional<ClusterState> state = files.readState().filter(s -> s.pid() == child.pid());
        for (String line : tail.newLines()) {
          if (line.startsWith(ClusterFiles.ERROR_PREFIX)) {
            err.println("kvx up: " + line.substring(ClusterFiles.ERROR_PREFIX.length()));
            err.flush();
            explained = true;
          } else if (line.startsWith(ClusterFiles.PROGRESS_PREFIX)) {
            out.printf("  %5.1fs  %s%n", (System.nanoTime() - t0) / 1e9,
                line.substring(ClusterFiles.PROGRESS_PREFIX.length()));
            out.flush();
          }
        }
        if (state.isPresent()) {
          printReady(files, state.get(), (System.nanoTime() - t0) / 1e9);
          return 0;
        }
        if (!child.isAlive() && explained) {
          return 1; // the child said what to fix
        }
        if (!child.isAlive()) {
          err.println("kvx up: the cluster process exited (code " + child.exitValue()
              + ") before it was ready; the end of " + files.log() + ":");
          tail.lastLines(files.log(), 25).forEach(l -> err.println("  " + l));
          return 1;
        }
        if (System.nanoTime() > end) {
          err.println("kvx up: not ready after " + deadline.toSeconds() + " s; stopping it. The end of "
              + files.log() + ":");
          tail.lastLines(files.log(), 25).forEach(l -> err.println("  " + l));
          child.destroy();
          if (!child.waitFor(30, TimeUnit.SECONDS)) {
            child.destroyForcibly();
          }
          return 1;
        }
        awaitChange(changes);
      }
    }
  }

  private void printReady(ClusterFiles files, ClusterState state, double seconds) {
    out.printf("kvx is up in %.1f s: %d node(s) Ready on the %s runtime (pid %d)%n",
        seconds, state.nodes().size(), state.runtime(), state.pid());
    out.println("API server: " + state.apiServer());
    out.println("kubeconfig: " + state.kubeconfig());
    out.println();
    out.println("  export KUBECONFIG=" + state.kubeconfig());
    out.println("  kubectl get nodes");
    out.println();
    out.println("Logs in " + files.log() + "; stop it with: " + downCommand);
    out.flush();
  }

  // The data dir's file events; null where the platform has none (then POLL alone paces the loop).
  private static WatchService watch(Path dir) {
    try {
      WatchService service = dir.getFileSystem().newWatchService();
      dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      return service;
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  // Until some file of the data dir changes, at most POLL.
  private static void awaitChange(WatchService changes) throws InterruptedException {
    if (changes == null) {
      Thread.sleep(POLL.toMillis());
      return;
    }
    WatchKey key = changes.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
    if (key != null) {
      key.pollEvents(); // which file does not matter: the loop looks at all of them
      key.reset();
    }
  }

  /** {@link ClusterJvm}'s command, in a new session when {@code setsid} exists. */
  List<String> childCommand() {
    List<String> cmd = new ArrayList<>();
    Path setsid = Path.of("/usr/bin/setsid");
    if (Files.isExecutable(setsid)) {
      cmd.add(setsid.toString()); // detached from the terminal: no SIGHUP/SIGINT of this shell
    }
    cmd.addAll(ClusterJvm.clusterCommand(settings));
    return cmd;
  }

  private static void rotateLog(Path log) throws IOException {
    if (Files.exists(log) && Files.size(log) > MAX_LOG_BYTES) {
      Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Complete lines appended to a file since an offset. */
  private static final class LineTail {
    private final RandomAccessFile file;
    private long position;
    private final StringBuilder partial = new StringBuilder();

    LineTail(RandomAccessFile file, long position) {
      this.file = file;
      this.position = position;
    }

    List<String> newLines() throws IOException {
      List<String> lines = new ArrayList<>();
      long length = file.length();
      if (length <= position) {
        return lines;
      }
      byte[] bytes = new byte[(int) Math.min(length - position, 1 << 20)];
      file.seek(position);
      file.readFully(bytes);
      position += bytes.length;
      partial.append(new String(bytes, StandardCharsets.UTF_8));
      int nl;
      while ((nl = partial.indexOf("\n")) >= 0) {
        lines.add(partial.substring(0, nl));
        partial.delete(0, nl + 1);
      }
      return lines;
    }

    List<String> lastLines(Path log, int n) throws IOException {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return all.subList(Math.max(0, all.size() - n), all.size());
    }
  }
}
