package dev.kvx.e2e.cluster;

import dev.kvx.e2e.KvxProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code kvx} launcher of this checkout, frozen for one cluster's lifetime.
 *
 * <p>{@link #prepare} runs {@code ./kvx --help} once, which builds the launcher when its sources
 * are newer than its jar, then copies the jar and its {@code lib/} into the cluster's work dir.
 * Every component then runs as {@code java -jar <copy>/kvx.jar SUBCOMMAND …}, which is exactly what
 * the script {@code exec}s: the process is the component itself (a SIGKILL kills it), and a process
 * restarted in the middle of a test never waits for a rebuild, nor runs classes that a concurrent
 * build has half replaced.
 */
final class Launcher {

  /**
   * The script's default JVM options plus C1 only: components that live for a minute start in about
   * half the time on two busy cores. {@code KVX_JAVA_OPTS} from the environment wins.
   */
  static final String DEFAULT_JAVA_OPTS =
      "-XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1";

  private final Path jar;

  private Launcher(Path jar) {
    this.jar = jar;
  }

  /** Builds the launcher if stale and copies it under {@code workDir}. Blocks. */
  static Launcher prepare(Path workDir) {
    KvxProcess.buildLauncher(workDir);
    Path root = KvxProcess.repositoryRoot();
    try {
      Path target = root.resolve("launcher/target");
      Path copy = workDir.resolve("kvx");
      Files.createDirectories(copy.resolve("lib"));
      Files.copy(target.resolve("kvx.jar"), copy.resolve("kvx.jar"));
      try (Stream<Path> libs = Files.list(target.resolve("lib"))) {
        for (Path lib : libs.toList()) {
          Files.copy(
              lib,
              copy.resolve("lib").resolve(lib.getFileName()),
              StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      return new Launcher(copy.resolve("kvx.jar"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The command line of {@code kvx ARGS}. */
  List<String> command(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String opts = System.getenv("KVX_JAVA_OPTS");
    opts = opts == null || opts.isBlank() ? DEFAULT_JAVA_OPTS : opts;
    command.addAll(Arrays.stream(opts.trim().split("\\s+")).toList());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    return command;
  }
}
