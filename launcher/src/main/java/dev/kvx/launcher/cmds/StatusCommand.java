package dev.kvx.launcher.cmds;

import dev.kvx.launcher.up.ClusterFiles;
import dev.kvx.launcher.up.ShowStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kvx status}: flags only; the action is {@link ShowStatus}. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show whether the cluster of the data dir runs, its API server and its nodes.",
      "Exit code 0 when it runs and its API server is ready, 1 otherwise."
    })
public final class StatusCommand implements Callable<Integer> {

  @Mixin DataDirOption dataDir = new DataDirOption();

  @Override
  public Integer call() {
    return new ShowStatus(new ClusterFiles(dataDir.dataDir()), System.out).run();
  }
}
