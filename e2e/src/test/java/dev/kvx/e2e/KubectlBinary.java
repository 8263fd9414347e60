package dev.kvx.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One kubectl release the e2e tests run against kvx. The oldest and the newest minor the project
 * promises to support differ in what they send (1.32 writes protobuf bodies, 1.27 validates with
 * OpenAPI v2), so every scenario runs with both.
 *
 * @param version the minor release, e.g. {@code 1.27}
 * @param path the binary
 */
public record KubectlBinary(String version, Path path) {

  /** Where the build machines keep one binary per minor release. */
  static final Path SDK_BIN = Path.of("/usr/lib/google-cloud-sdk/bin");

  /** The releases every scenario runs with. */
  public static List<KubectlBinary> tested() {
    return List.of(of("1.27"), of("1.32"));
  }

  /** The binary for a minor release; {@code KVX_KUBECTL_<major>_<minor>} overrides its path. */
  public static KubectlBinary of(String version) {
    String env = System.getenv("KVX_KUBECTL_" + version.replace('.', '_'));
    Path path =
        env != null && !env.isBlank() ? Path.of(env) : SDK_BIN.resolve("kubectl." + version);
    return new KubectlBinary(version, path);
  }

  public boolean installed() {
    return Files.isExecutable(path);
  }

  /** The version without dots, for object and namespace names ({@code 127}). */
  public String slug() {
    return version.replace(".", "");
  }

  /** The minor version number (27 for 1.27). */
  public int minor() {
    return Integer.parseInt(version.substring(version.indexOf('.') + 1));
  }

  @Override
  public String toString() {
    return version;
  }
}
