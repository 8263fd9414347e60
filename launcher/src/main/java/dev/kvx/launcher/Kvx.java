package dev.kvx.launcher;

import dev.kvx.launcher.cmds.ApiServerCommand;
import dev.kvx.launcher.cmds.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code kvx} command. Like k3s' {@code cmd/}, this class only wires subcommands: each one's
 * flags live in {@code dev.kvx.launcher.cmds}, and what it does in a package of its own (e.g.
 * {@code dev.kvx.launcher.apiserver}). To add a subcommand, list its class below.
 */
@Command(
    name = "kvx",
    mixinStandardHelpOptions = true,
    versionProvider = Kvx.Version.class,
    description = "A Kubernetes-compatible control plane on Vert.x.",
    subcommands = {
      dev.kvx.launcher.cmds.UpCommand.class,
      dev.kvx.launcher.cmds.DownCommand.class,
      dev.kvx.launcher.cmds.StatusCommand.class,
      dev.kvx.launcher.cmds.KubeconfigCommand.class,
      ApiServerCommand.class,
      BenchCommand.class,
      dev.kvx.launcher.cmds.ControllerManagerCommand.class,
      dev.kvx.launcher.cmds.SchedulerCommand.class,
      dev.kvx.launcher.cmds.KubeletAgentCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class Kvx implements Runnable {

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command tree, for {@link #main} and for tests that parse flags. */
  public static CommandLine commandLine() {
    return new CommandLine(new Kvx()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  /** {@code kvx} without a subcommand: usage, and the exit code of a usage error. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Kvx.class.getPackage().getImplementationVersion();
      return new String[] {"kvx " + (version == null ? "(development build)" : version)};
    }
  }
}
