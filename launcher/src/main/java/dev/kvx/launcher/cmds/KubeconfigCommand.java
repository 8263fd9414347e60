package dev.kvx.launcher.cmds;

import dev.kvx.launcher.up.ClusterFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kvx kubeconfig}: prints the admin kubeconfig of the data dir's cluster, as kind's {@code
 * get kubeconfig} does ({@code kvx kubeconfig > ~/.kube/config}); {@code --path} prints where it is
 * ({@code export KUBECONFIG=$(kvx kubeconfig --path)}).
 */
@Command(
    name = "kubeconfig",
    mixinStandardHelpOptions = true,
    description = "Print the cluster's admin kubeconfig (or, with --path, its file name).")
public final class KubeconfigCommand implements Callable<Integer> {

  @Mixin DataDirOption dataDir = new DataDirOption();

  @Option(names = "--path", description = "Print the file's path instead of its content.")
  boolean path;

  @Override
  public Integer call() throws Exception {
    Path file = new ClusterFiles(dataDir.dataDir()).kubeconfig();
    if (!Files.isReadable(file)) {
      System.err.println("kvx kubeconfig: no cluster in " + dataDir.dataDir() + " yet; run kvx up");
      return 1;
    }
    if (path) {
      System.out.println(file);
    } else {
      System.out.print(Files.readString(file));
    }
    System.out.flush();
    return 0;
  }
}
