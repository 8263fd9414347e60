package dev.kvx.launcher.cmds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.ApiServerOptions;
import dev.kvx.launcher.Kvx;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class ApiServerCommandTest {

  private static final Path DATA = Path.of("/var/lib/kvx-test");

  @Test
  void defaultsAreTheEmbeddedStoreOnLoopbackPort6443() {
    ApiServerOptions options = parse("apiserver").options(DATA);

    assertThat(options.dataDir()).isEqualTo(DATA);
    assertThat(options.etcdServers()).isEmpty();
    assertThat(options.securePort()).isEqualTo(6443);
    assertThat(options.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(options.serviceClusterIpRange()).isEqualTo("10.96.0.0/12");
    assertThat(options.inMemory()).isFalse();
  }

  @Test
  void flagsAreKubeApiserversNames() {
    ApiServerCommand command =
        parse(
            "apiserver",
            "--etcd-servers=http://10.0.0.1:2379,http://10.0.0.2:2379",
            "--data-dir=/tmp/kvx-a",
            "--secure-port=0",
            "--bind-address=0.0.0.0",
            "--service-cluster-ip-range=10.43.0.0/16");

    ApiServerOptions options = command.options(command.dataDir.dataDir());

    assertThat(options.etcdServers()).containsExactly("http://10.0.0.1:2379", "http://10.0.0.2:2379");
    assertThat(options.dataDir()).isEqualTo(Path.of("/tmp/kvx-a"));
    assertThat(options.securePort()).isZero();
    assertThat(options.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(options.serviceClusterIpRange()).isEqualTo("10.43.0.0/16");
  }

  @Test
  void etcdServersMayRepeat() {
    ApiServerOptions options =
        parse("apiserver", "--etcd-servers", "http://a:2379", "--etcd-servers", "http://b:2379")
            .options(DATA);

    assertThat(options.etcdServers()).containsExactly("http://a:2379", "http://b:2379");
  }

  @Test
  void badValuesAreUsageErrors() {
    for (List<String> args :
        List.<List<String>>of(
            List.of("apiserver", "--secure-port=70000"),
            List.of("apiserver", "--secure-port=x"),
            List.of("apiserver", "--service-cluster-ip-range=10.96.0.0"),
            List.of("apiserver", "--no-such-flag"),
            List.of())) {
      StringWriter err = new StringWriter();
      CommandLine kvx = Kvx.commandLine().setErr(new PrintWriter(err));
      // The apiserver action is never reached: options() rejects the values first.
      assertThat(kvx.execute(args.toArray(String[]::new))).as("%s: %s", args, err).isEqualTo(2);
      assertThat(err.toString()).as("%s", args).isNotBlank();
    }
  }

  @Test
  void helpListsTheSubcommands() {
    StringWriter out = new StringWriter();
    int code = Kvx.commandLine().setOut(new PrintWriter(out)).execute("--help");

    assertThat(code).isZero();
    assertThat(out.toString()).contains("apiserver", "bench");
  }

  private static ApiServerCommand parse(String... args) {
    ParseResult result = Kvx.commandLine().parseArgs(args);
    return (ApiServerCommand) result.subcommand().commandSpec().userObject();
  }
}
