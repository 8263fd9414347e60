package dev.kvx.bench;

import dev.kvx.bench.apiserver.ApiServerBench;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * {@code ./kvx bench NAME [args]}: runs one benchmark, which prints its figures to stdout, one JSON
 * object per line (see {@link Figure}); progress and logs go to stderr. A benchmark is a picocli
 * command ({@code Callable<Integer>}, the exit code) registered here under its name.
 */
public final class Bench {

  /** Exit code for a wrong command line, as picocli uses it. */
  public static final int USAGE = 2;

  /** Name → a fresh command. Add a benchmark here. */
  private static final Map<String, Supplier<Callable<Integer>>> BENCHMARKS = new LinkedHashMap<>();

  static {
    BENCHMARKS.put("apiserver", ApiServerBench::new);
    BENCHMARKS.put("scheduler", dev.kvx.bench.scheduler.SchedulerBench::new);
    BENCHMARKS.put("startup", dev.kvx.bench.startup.StartupBench::new);
  }

  private Bench() {}

  public static void main(String[] args) {
    // The launcher jar (bench startup needs it) brings a second logback.xml: logback would print its
    // status, warnings about that duplicate included, on stdout, among the figures.
    System.setProperty(
        "logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
    // Exit explicitly: client libraries (jetcd's gRPC, Vert.x) may leave non-daemon threads behind.
    System.exit(run(args));
  }

  /** Runs {@code args[0]} with the remaining arguments; returns the exit code. */
  public static int run(String... args) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      usage(System.out);
      return 0;
    }
    Supplier<Callable<Integer>> benchmark = args.length == 0 ? null : BENCHMARKS.get(args[0]);
    if (benchmark == null) {
      if (args.length > 0) {
        System.err.println("kvx bench: unknown benchmark '" + args[0] + "'");
      }
      usage(System.err);
      return USAGE;
    }
    return new CommandLine(benchmark.get())
        .setCommandName("kvx bench " + args[0])
        .setCaseInsensitiveEnumValuesAllowed(true)
        .execute(Arrays.copyOfRange(args, 1, args.length));
  }

  /** The registered benchmark names, in registration order. */
  public static Iterable<String> names() {
    return BENCHMARKS.keySet();
  }

  private static void usage(PrintStream out) {
    out.println("Usage: kvx bench NAME [--help] [options]");
    out.println("Prints one JSON object per figure and line on stdout. Benchmarks:");
    BENCHMARKS.forEach((name, command) -> out.println("  " + name));
  }
}
