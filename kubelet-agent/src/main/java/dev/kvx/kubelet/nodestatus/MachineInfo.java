package dev.kvx.kubelet.nodestatus;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What the node reports about its machine (the kubelet gets it from cAdvisor): capacity and the
 * {@code nodeInfo} strings. {@link #detect} reads {@code /proc} and {@code /etc}; it does file I/O.
 *
 * @param architecture Go's name ({@code amd64}, {@code arm64}), as {@code kubernetes.io/arch}
 */
public record MachineInfo(
    int cpuCores,
    long memoryBytes,
    long ephemeralStorageBytes,
    String kernelVersion,
    String osImage,
    String operatingSystem,
    String architecture,
    String machineId,
    String bootId,
    String systemUuid,
    String hostname) {

  /** The machine this JVM runs on; {@code rootDir}'s file system gives ephemeral storage. */
  public static MachineInfo detect(Path rootDir) {
    return new MachineInfo(
        Runtime.getRuntime().availableProcessors(),
        memTotalBytes(),
        fileSystemBytes(rootDir),
        System.getProperty("os.version", ""),
        readOsImage(),
        System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT).startsWith("linux")
            ? "linux"
            : System.getProperty("os.name", "").toLowerCase(Locale.ROOT),
        goArch(System.getProperty("os.arch", "")),
        firstLine(Path.of("/etc/machine-id")),
        firstLine(Path.of("/proc/sys/kernel/random/boot_id")),
        firstLine(Path.of("/sys/class/dmi/id/product_uuid")),
        readHostname());
  }

  static String goArch(String javaArch) {
    return switch (javaArch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "386";
      default -> javaArch;
    };
  }

  /** {@code MemAvailable} from /proc/meminfo in bytes; -1 if unknown. */
  public static long memAvailableBytes() {
    return meminfo("MemAvailable:");
  }

  private static long memTotalBytes() {
    long total = meminfo("MemTotal:");
    return total > 0 ? total : Runtime.getRuntime().maxMemory();
  }

  private static long meminfo(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith(field)) {
          String[] parts = line.substring(field.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  private static long fileSystemBytes(Path dir) {
    try {
      Path existing = dir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      FileStore store = Files.getFileStore(existing == null ? Path.of("/") : existing);
      return store.getTotalSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  private static String readOsImage() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) {
          return line.substring("PRETTY_NAME=".length()).replace("\"", "");
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return System.getProperty("os.name", "Linux");
  }

  private static String firstLine(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return lines.isEmpty() ? "" : lines.get(0).trim();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static String readHostname() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      return "localhost";
    }
  }

  /**
   * The first IPv4 address of an interface that is up and not loopback, bridge or veth (where the
   * API server on another machine reaches the node); loopback if there is none.
   */
  public static String detectNodeIp() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        String name = nic.getName();
        if (!nic.isUp()
            || nic.isLoopback()
            || name.startsWith("docker")
            || name.startsWith("veth")
            || name.startsWith("br-")) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof java.net.Inet4Address && !a.isLinkLocalAddress()) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      // fall through
    }
    return "127.0.0.1";
  }
}
