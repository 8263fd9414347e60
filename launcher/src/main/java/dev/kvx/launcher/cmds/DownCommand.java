package dev.kvx.launcher.cmds;

import dev.kvx.launcher.up.StopCluster;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kvx down}: flags only; the action is {@link StopCluster}. */
@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = {
      "Stop the cluster of the data dir gracefully.",
      "Its objects stay in the data dir and its pods' containers keep running: kvx up brings"
          + " everything back."
    })
public final class DownCommand implements Callable<Integer> {

  @Mixin DataDirOption dataDir = new DataDirOption();

  @Option(
      names = "--purge",
      description = "Also remove the cluster's containers and delete the data dir.")
  boolean purge;

  @Override
  public Integer call() throws Exception {
    return new StopCluster(dataDir.dataDir(), purge, System.out, System.err).run();
  }
}
