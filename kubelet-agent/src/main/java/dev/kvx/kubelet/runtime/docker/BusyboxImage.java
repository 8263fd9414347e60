package dev.kvx.kubelet.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds kvx's sandbox and example image, {@code kvx/busybox:latest}, in the local engine without a
 * registry: {@code FROM scratch} plus the host's statically linked busybox (Debian's
 * busybox-static), with one symlink per applet. The Dockerfile is the one of {@code
 * manifests/images/busybox} (copied onto the class path by the build), so {@code build.sh} and this
 * class make the same image. All methods block: callers run them off the event loop.
 */
public final class BusyboxImage {
  /** The image kvx's sandboxes and example manifests run. */
  public static final String TAG = "kvx/busybox:latest";

  /** Names the busybox binary to use instead of the standard locations. */
  public static final String BUSYBOX_ENV = "BUSYBOX";

  /**
   * Where Debian's busybox-static installs the binary (/bin is a link to /usr/bin on merged-usr).
   */
  static final List<Path> HOST_LOCATIONS =
      List.of(Path.of("/bin/busybox"), Path.of("/usr/bin/busybox"));

  private static final String DOCKERFILE = "busybox/Dockerfile";

  /**
   * The image label holding the SHA-256 of the Dockerfile it was built from (build.sh sets it too):
   * an image built from another version is rebuilt.
   */
  public static final String DOCKERFILE_LABEL = "dev.kvx.busybox.dockerfile";
  private static final String INSTALL_HINT = "apt-get install busybox-static";
  private static final long BUILD_TIMEOUT_MINUTES = 5;

  /**
   * Builds in one JVM take turns, so agents and test classes that all miss the image build it once.
   */
  private static final Object BUILD_LOCK = new Object();

  private BusyboxImage() {}

  /** A finished build. */
  public record Built(String tag, String imageId, Path busybox, Duration took) {
    /** For progress output, e.g. {@code built kvx/busybox:latest from /bin/busybox in 1.2 s}. */
    public String summary() {
      return String.format(
          Locale.ROOT, "built %s from %s in %.1f s", tag, busybox, took.toMillis() / 1000.0);
    }
  }

  /**
   * Builds {@code tag} from the host's busybox ({@link #locate()}) unless the engine has it
   * already, built from this version of the Dockerfile.
   *
   * @return the build, or empty when the image was there
   * @throws ImageBuildException no static busybox, or the build failed
   */
  public static Optional<Built> ensure(DockerClient docker, String tag) {
    synchronized (BUILD_LOCK) {
      String builtFrom;
      try {
        Map<String, String> labels = docker.inspectImageCmd(tag).exec().getConfig().getLabels();
        builtFrom = labels == null ? null : labels.get(DOCKERFILE_LABEL);
      } catch (NotFoundException e) {
        builtFrom = null;
      } catch (RuntimeException e) {
        throw new ImageBuildException("inspect image " + tag + ": " + message(e), e);
      }
      if (dockerfileSha256().equals(builtFrom)) {
        return Optional.empty();
      }
      return Optional.of(build(docker, tag, locate()));
    }
  }

  /**
   * Builds {@code tag} from {@code busybox}, replacing the tag if it exists.
   *
   * @throws ImageBuildException {@code busybox} is not a static executable, or the build failed
   */
  public static Built build(DockerClient docker, String tag, Path busybox) {
    return build(docker, tag, busybox, false);
  }

  /** As {@link #build(DockerClient, String, Path)}; {@code noCache}: rebuild every step (tests). */
  static Built build(DockerClient docker, String tag, Path busybox, boolean noCache) {
    requireStatic(busybox);
    long start = System.nanoTime();
    byte[] context = buildContext(busybox);
    String imageId;
    synchronized (BUILD_LOCK) {
      try {
        docker
            .buildImageCmd()
            .withTarInputStream(new ByteArrayInputStream(context))
            .withTags(Set.of(tag))
            .withLabels(Map.of(DOCKERFILE_LABEL, dockerfileSha256()))
            .withPull(false)
            .withNoCache(noCache)
            .withRemove(true)
            .withForcerm(true)
            .start()
            .awaitImageId(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        // The build answers a short id; the tag's inspection gives the full one, as docker images.
        imageId = docker.inspectImageCmd(tag).exec().getId();
      } catch (RuntimeException e) {
        throw new ImageBuildException(
            "docker build of " + tag + " from " + busybox + " failed: " + message(e), e);
      }
    }
    return new Built(tag, imageId, busybox, Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * The busybox to build from: {@code $BUSYBOX} when set, else the first of /bin/busybox and
   * /usr/bin/busybox that exists.
   *
   * @throws ImageBuildException none exists (the message names the package to install)
   */
  public static Path locate() {
    return locate(System.getenv(BUSYBOX_ENV), HOST_LOCATIONS);
  }

  static Path locate(String override, List<Path> locations) {
    if (override != null && !override.isEmpty()) {
      Path p = Path.of(override);
      if (!Files.isRegularFile(p)) {
        throw new ImageBuildException(
            BUSYBOX_ENV + "=" + override + " is not a file (" + INSTALL_HINT + ")", null);
      }
      return p;
    }
    return locations.stream()
        .filter(Files::isRegularFile)
        .findFirst()
        .orElseThrow(
            () ->
                new ImageBuildException(
                    "no busybox at "
                        + String.join(" or ", locations.stream().map(Path::toString).toList())
                        + " to build "
                        + TAG
                        + " from: "
                        + INSTALL_HINT
                        + " (or set "
                        + BUSYBOX_ENV
                        + " to a statically linked busybox)",
                    null));
  }

  /**
   * Refuses a binary that cannot run in an image without libc: a dynamically linked busybox
   * (Debian's package busybox) or no ELF executable at all.
   *
   * @throws ImageBuildException naming the reason and busybox-static
   */
  public static void requireStatic(Path busybox) {
    Optional<String> interpreter;
    try {
      interpreter = ElfInterpreter.of(busybox);
    } catch (IOException e) {
      throw new ImageBuildException(
          "cannot use "
              + busybox
              + " to build "
              + TAG
              + ": "
              + message(e)
              + " ("
              + INSTALL_HINT
              + ")",
          e);
    }
    if (interpreter.isPresent()) {
      throw new ImageBuildException(
          busybox
              + " is dynamically linked (interpreter "
              + interpreter.get()
              + ") and would not run in an image without libc: "
              + INSTALL_HINT
              + " for a static one",
          null);
    }
  }

  /** The SHA-256 of the Dockerfile, in hex as {@code sha256sum} prints it. */
  static String dockerfileSha256() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(dockerfile()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static byte[] dockerfile() {
    try (InputStream in = BusyboxImage.class.getResourceAsStream(DOCKERFILE)) {
      if (in == null) {
        throw new IllegalStateException(
            DOCKERFILE + " is not on the class path (the kubelet-agent build copies it)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The build context as a tar: the Dockerfile and the binary as {@code busybox}. */
  static byte[] buildContext(Path busybox) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Files.size(busybox) + 4096);
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
        add(tar, "Dockerfile", dockerfile(), 0644);
        // The binary must be executable in the image whatever its mode on the host.
        add(tar, "busybox", Files.readAllBytes(busybox), 0755);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new ImageBuildException("cannot read " + busybox + ": " + message(e), e);
    }
  }

  private static void add(TarArchiveOutputStream tar, String name, byte[] content, int mode)
      throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | mode);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.toString() : m.strip();
  }
}
