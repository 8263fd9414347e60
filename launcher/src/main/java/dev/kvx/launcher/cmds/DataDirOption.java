package dev.kvx.launcher.cmds;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --data-dir}, shared by every subcommand that keeps state (mix it in with
 * {@code @Mixin}): where the embedded store, the PKI and the kubeconfig live.
 */
public final class DataDirOption {

  public static final String ENV = "KVX_HOME";

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "State directory (default: $KVX_HOME, else ~/.kvx).")
  Path dataDir;

  /** The data dir from the flag, else {@code $KVX_HOME}, else {@code ~/.kvx}; absolute. */
  public Path dataDir() {
    return resolve(dataDir, System.getenv(), System.getProperty("user.home"));
  }

  static Path resolve(Path flag, Map<String, String> env, String userHome) {
    Path dir;
    if (flag != null) {
      dir = expandHome(flag.toString(), userHome);
    } else if (env.get(ENV) != null && !env.get(ENV).isBlank()) {
      dir = expandHome(env.get(ENV), userHome);
    } else {
      dir = Path.of(userHome, ".kvx");
    }
    return dir.toAbsolutePath().normalize();
  }

  // `--data-dir=~/x` reaches us unexpanded (the shell expands a tilde only at a word's start).
  private static Path expandHome(String path, String userHome) {
    if (path.equals("~")) {
      return Path.of(userHome);
    }
    return path.startsWith("~/") ? Path.of(userHome, path.substring(2)) : Path.of(path);
  }
}
