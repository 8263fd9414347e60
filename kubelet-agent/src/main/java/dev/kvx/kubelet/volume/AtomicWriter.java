package dev.kvx.kubelet.volume;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes a projected volume's files the way the kubelet's AtomicWriter does, so a container never
 * sees half an update: the files go into a fresh hidden directory, {@code ..data} is switched to it
 * with one rename, and each top-level name is a symlink through {@code ..data}. An unchanged
 * payload writes nothing.
 */
final class AtomicWriter {
  static final String DATA_DIR = "..data";

  private AtomicWriter() {}

  /** One file: content and permission bits (e.g. 0644). */
  record FileContent(byte[] data, int mode) {
    boolean sameAs(Path file) throws IOException {
      return Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), data);
    }
  }

  /** Makes {@code dir} hold exactly {@code payload} (relative path to content). */
  static void write(Path dir, Map<String, FileContent> payload) throws IOException {
    Files.createDirectories(dir);
    Path data = dir.resolve(DATA_DIR);
    if (Files.exists(data) && unchanged(data, payload)) {
      return;
    }
    Path fresh = Files.createTempDirectory(dir, "..");
    for (Map.Entry<String, FileContent> e : payload.entrySet()) {
      Path file = fresh.resolve(e.getKey()).normalize();
      if (!file.startsWith(fresh)) {
        throw new IOException("invalid path " + e.getKey());
      }
      Files.createDirectories(file.getParent());
      Files.write(file, e.getValue().data());
      chmod(file, e.getValue().mode());
    }
    chmod(fresh, 0755);
    Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
    Path tmpLink = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmpLink);
    Files.createSymbolicLink(tmpLink, fresh.getFileName());
    Files.move(tmpLink, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    Set<String> top = new HashSet<>();
    for (String path : payload.keySet()) {
      top.add(Path.of(path).getName(0).toString());
    }
    for (String name : top) {
      Path link = dir.resolve(name);
      if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, Path.of(DATA_DIR, name));
      }
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.startsWith("..") && !top.contains(name) && Files.isSymbolicLink(entry)) {
          Files.delete(entry);
        }
      }
    }
    if (old != null && !old.equals(fresh)) {
      deleteRecursively(old);
    }
  }

  private static boolean unchanged(Path data, Map<String, FileContent> payload) throws IOException {
    Set<String> existing = new HashSet<>();
    try (var files = Files.walk(data.toRealPath())) {
      Path base = data.toRealPath();
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          existing.add(base.relativize(f).toString());
        }
      }
    }
    if (!existing.equals(payload.keySet())) {
      return false;
    }
    for (Map.Entry<String, FileContent> e : payload.entrySet()) {
      if (!e.getValue().sameAs(data.resolve(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  static void chmod(Path p, int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(order[i]);
      }
    }
    try {
      Files.setPosixFilePermissions(p, perms);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort on non-POSIX file systems
    }
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
        for (Path e : entries) {
          deleteRecursively(e);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
