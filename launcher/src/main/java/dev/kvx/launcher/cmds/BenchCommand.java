package dev.kvx.launcher.cmds;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kvx bench NAME}: listed here for {@code --help} only. The benchmarks live in the bench
 * module, which the launcher does not depend on; the {@code ./kvx} script runs {@code
 * dev.kvx.bench.Bench} on that module's class path before this jar is ever started.
 */
@Command(
    name = "bench",
    description = "Run a benchmark (from a source checkout: ./kvx bench NAME).")
public final class BenchCommand implements Callable<Integer> {

  @Parameters(arity = "0..*", paramLabel = "ARG")
  java.util.List<String> args;

  @Override
  public Integer call() {
    System.err.println("kvx bench runs from a source checkout: ./kvx bench NAME");
    return 2;
  }
}
