package dev.kvx.launcher.up;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The JVM that runs a cluster for {@code kvx up}: this JVM's java, options and class path, tuned
 * for start-up, which is what a user waits for:
 *
 * <ul>
 *   <li>the C1 compiler only ({@code -XX:TieredStopAtLevel=1}) unless the options already choose:
 *       C2 compiles cost more CPU during start-up than they save in a local cluster;
 *   <li>an application class-data archive (AppCDS) of kvx' classes, so they load already parsed and
 *       verified: the one this JVM was started with, if any ({@code ./kvx} builds one with the
 *       launcher), else one in {@code ~/.cache/kvx/} (or {@code $XDG_CACHE_HOME/kvx/}). Without
 *       either, the first start's JVM writes one into the data dir when it exits ({@code
 *       -XX:ArchiveClassesAtExit}), and {@code kvx down} moves it to the cache once that JVM exited
 *       cleanly. Its name carries a fingerprint of the class path and the JVM, so a rebuilt kvx
 *       writes a new one. {@code KVX_CDS=off} turns this off.
 *   <li>transparent huge pages for the heap ({@code -XX:+UseTransparentHugePages}) where Linux
 *       gives them only on request (mode {@code madvise}, Debian's default): a cold start touches
 *       some 400 MB of fresh heap, and with 4 KB pages it took 69,000 page faults, which made the
 *       young collections slow; with huge pages 28,000, and Ready came 0.3 s sooner;
 *   <li>one PBKDF2 iteration instead of 10,000 for private keys put into PKCS12 keystores ({@code
 *       -Dkeystore.pkcs12.keyPbeIterationCount=1}): the only such keystores in the cluster process
 *       are in-memory ones that Vert.x (each HTTPS server) and fabric8 (each client) build from PEM
 *       keys to feed a KeyManagerFactory, encrypted under a password the same process holds, so the
 *       iterations protect nothing; they were 7% to 30% of the CPU samples in profiles of a cold
 *       start under C1, about 0.5 CPU-seconds. kvx keeps its keys as PEM files and writes no
 *       keystore;
 *   <li>the JVM's default of relocating the archive to a random address, even when this JVM maps it
 *       where it was written ({@code -XX:ArchiveRelocationMode=0}, which {@code ./kvx} gives short
 *       commands): relocating costs 0.25 s before {@code main}, but a cluster mapping the archive
 *       in place used about 1 CPU-second more until Ready, and was Ready 0.5 s later.
 * </ul>
 *
 * Measured on a cold API server start (2 cores): 15.8 CPU-seconds with the defaults, 4.4 with C1
 * and the archive.
 */
public final class ClusterJvm {

  static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
  static final int KEPT_ARCHIVES = 3;
  // An archive that does not match (or a dump that skips signed jars) is not worth a warning.
  static final List<String> QUIET_CDS = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
  private static final String SHARED_ARCHIVE_FILE = "-XX:SharedArchiveFile=";
  static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";
  static final String TRANSIENT_KEYSTORES = "-Dkeystore.pkcs12.keyPbeIterationCount=1";
  static final Path TRANSPARENT_HUGE_PAGES = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

  private ClusterJvm() {}

  /**
   * The command running {@code kvx ARGS}; with {@code dumpTo}, a JVM without an archive yet writes
   * one there when it exits.
   */
  public static List<String> command(List<String> kvxArgs, Path dumpTo) {
    return command(kvxArgs, dumpTo, System.getProperty("java.class.path"));
  }

  /** As {@link #command(List, Path)} on {@code classPath}. */
  public static List<String> command(List<String> kvxArgs, Path dumpTo, String classPath) {
    return command(dev.kvx.launcher.Kvx.class.getName(), kvxArgs, dumpTo, classPath);
  }

  /**
   * The command running the background process of {@code kvx up} for {@code settings} ({@link
   * ClusterProcess}); a JVM without an archive yet writes one into the data dir when it exits.
   */
  public static List<String> clusterCommand(ClusterSettings settings) {
    return command(
        ClusterProcess.class.getName(),
        settings.foregroundArgs(),
        pendingArchive(settings.dataDir()),
        System.getProperty("java.class.path"));
  }

  static List<String> command(String mainClass, List<String> args, Path dumpTo, String classPath) {
    return command(
        mainClass, args, dumpTo, classPath, ManagementFactory.getRuntimeMXBean().getInputArguments());
  }

  /** As {@link #command(String, List, Path, String)} for a JVM started with {@code jvmArgs}. */
  static List<String> command(
      String mainClass, List<String> args, Path dumpTo, String classPath, List<String> jvmArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> inherited = inheritedOptions(jvmArgs);
    cmd.addAll(inherited);
    if (inherited.stream().noneMatch(o -> o.contains("Tiered"))) {
      cmd.add(C1_ONLY);
    }
    if (inherited.stream().noneMatch(o -> o.contains("keystore.pkcs12"))) {
      cmd.add(TRANSIENT_KEYSTORES);
    }
    if (inherited.stream().noneMatch(o -> o.contains("HugePages") || o.contains("LargePages"))
        && hugePagesOnRequest(TRANSPARENT_HUGE_PAGES)) {
      cmd.add(HUGE_PAGES);
    }
    String cp = absoluteClassPath(classPath);
    if (cdsEnabled()) {
      Optional<Path> archive =
          Stream.concat(ownArchive(jvmArgs).stream(), Stream.of(archive(cp)))
              .filter(Files::isReadable)
              .findFirst();
      if (archive.isPresent()) {
        cmd.add("-XX:SharedArchiveFile=" + archive.get());
        cmd.addAll(QUIET_CDS);
      } else if (dumpTo != null) {
        cmd.add("-XX:ArchiveClassesAtExit=" + dumpTo);
        cmd.addAll(QUIET_CDS);
      }
    }
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /**
   * Whether Linux gives transparent huge pages only to memory that asks for them: {@code [madvise]}
   * in {@code /sys/kernel/mm/transparent_hugepage/enabled}. ({@code always} needs no flag, {@code
   * never} would make the JVM warn.)
   */
  static boolean hugePagesOnRequest(Path enabled) {
    try {
      return Files.readString(enabled).contains("[madvise]");
    } catch (IOException | RuntimeException e) {
      return false; // not Linux, or no transparent huge pages
    }
  }

  /**
   * The archive this JVM maps ({@code -XX:SharedArchiveFile}), which {@code ./kvx} builds for the
   * launcher's class path: a child on the same class path maps it too.
   */
  static Optional<Path> ownArchive(List<String> jvmArgs) {
    return jvmArgs.stream()
        .filter(a -> a.startsWith(SHARED_ARCHIVE_FILE))
        .map(a -> Path.of(a.substring(SHARED_ARCHIVE_FILE.length())))
        .reduce((first, last) -> last); // the JVM takes the last one given
  }

  /** Where the cluster process of {@code dataDir} writes its archive when it exits. */
  public static Path pendingArchive(Path dataDir) {
    return dataDir.resolve(archiveName(absoluteClassPath(System.getProperty("java.class.path"))) + ".tmp");
  }

  /**
   * After the cluster process of {@code dataDir} exited: keeps the archive it wrote if it exited
   * cleanly (a killed JVM may have left half a file), else drops it.
   */
  public static void settlePendingArchive(Path dataDir, boolean exitedCleanly) {
    Path pending = pendingArchive(dataDir);
    if (!Files.exists(pending)) {
      return;
    }
    try {
      if (exitedCleanly && Files.size(pending) > 0) {
        Path archive = archive(absoluteClassPath(System.getProperty("java.class.path")));
        Files.createDirectories(archive.getParent());
        Files.move(pending, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        pruneOldArchives(archive.getParent());
      } else {
        Files.delete(pending);
      }
    } catch (IOException e) {
      // only an optimisation: the next start runs without it
    }
  }

  // Each rebuild of kvx writes a new archive (tens of MB): keep the few most recent ones.
  private static void pruneOldArchives(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      List<Path> archives =
          files
              .filter(p -> p.getFileName().toString().matches("kvx-[0-9a-f]+\\.jsa"))
              .sorted(
                  Comparator.comparing(
                          (Path p) -> {
                            try {
                              return Files.getLastModifiedTime(p);
                            } catch (IOException e) {
                              return FileTime.fromMillis(0);
                            }
                          })
                      .reversed())
              .toList();
      for (Path old : archives.subList(Math.min(KEPT_ARCHIVES, archives.size()), archives.size())) {
        Files.deleteIfExists(old);
      }
    }
  }

  /** Whether later starts on {@code classPath} have a class-data archive to map. */
  public static boolean hasArchive(String classPath) {
    return cdsEnabled() && Files.isReadable(archive(absoluteClassPath(classPath)));
  }

  static Path archive(String classPath) {
    String cache = System.getenv("XDG_CACHE_HOME");
    Path dir =
        cache != null && !cache.isBlank()
            ? Path.of(cache, "kvx")
            : Path.of(System.getProperty("user.home"), ".cache", "kvx");
    return dir.resolve(archiveName(classPath));
  }

  /** {@code kvx-<fingerprint>.jsa}: the class path's files (name, size, time) and the JVM. */
  static String archiveName(String classPath) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(System.getProperty("java.home").getBytes(StandardCharsets.UTF_8));
      sha.update(System.getProperty("java.vm.version").getBytes(StandardCharsets.UTF_8));
      for (String entry : classPath.split(File.pathSeparator)) {
        File f = new File(entry);
        sha.update((entry + ":" + f.length() + ":" + f.lastModified() + ";").getBytes(StandardCharsets.UTF_8));
      }
      return "kvx-" + HexFormat.of().formatHex(sha.digest(), 0, 8) + ".jsa";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean cdsEnabled() {
    return !"off".equalsIgnoreCase(System.getenv("KVX_CDS"));
  }

  // This JVM's options minus a debugger's and its class-data archive's (chosen again above).
  static List<String> inheritedOptions(List<String> jvmArgs) {
    return jvmArgs.stream()
        .filter(a -> !a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp") && !a.equals("-Xdebug"))
        .filter(a -> !a.startsWith(SHARED_ARCHIVE_FILE) && !a.startsWith("-XX:ArchiveClassesAtExit"))
        .filter(a -> !a.startsWith("-Xlog:cds") && !a.startsWith("-XX:ArchiveRelocationMode"))
        .toList();
  }

  static String absoluteClassPath(String classPath) {
    return String.join(
        File.pathSeparator,
        Arrays.stream(classPath.split(File.pathSeparator))
            .filter(s -> !s.isEmpty())
            .map(s -> Path.of(s).toAbsolutePath().toString())
            .toList());
  }
}
