package dev.kvx.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time spent by this JVM and, optionally, by one other process (e.g. etcd) over a measured
 * span. On a shared machine the CPU an operation costs is steadier than its rate: a rate drops when
 * neighbours take the cores, the CPU per operation does not. Both come from the OS's per-process
 * accounting ({@link ProcessHandle.Info#totalCpuDuration()}, 10 ms resolution on Linux), so spans
 * should cover seconds, not milliseconds.
 *
 * <p>The JIT compiler's threads are left out of the JVM's figure (on Linux, where {@code
 * /proc/self/task} names them): compilation is warm-up, not a cost of each request, and on a
 * starved machine it can still be running long after a warm-up phase that would suffice on an idle
 * one. Garbage collection stays in: it is a per-request cost.
 */
public final class CpuMeter {

  /** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every mainstream architecture. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final ProcessHandle other;

  private CpuMeter(ProcessHandle other) {
    this.other = other;
  }

  /** Measures this JVM only. */
  public static CpuMeter jvm() {
    return new CpuMeter(null);
  }

  /** Measures this JVM and process {@code pid} (e.g. the etcd it talks to). */
  public static CpuMeter jvmAnd(long pid) {
    return new CpuMeter(
        ProcessHandle.of(pid).orElseThrow(() -> new IllegalArgumentException("no process " + pid)));
  }

  /** Starts a span now. */
  public Span start() {
    return new Span(jvmCpu(), cpu(other));
  }

  private static long jvmCpu() {
    return cpu(ProcessHandle.current()) - compilerThreadsCpu();
  }

  /** CPU nanoseconds of this JVM's JIT compiler threads so far; 0 where /proc is unavailable. */
  static long compilerThreadsCpu() {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return 0;
    }
    long ticks = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path thread : threads) {
        try {
          String name = Files.readString(thread.resolve("comm")).strip();
          if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            ticks += userAndSystemTicks(Files.readString(thread.resolve("stat")));
          }
        } catch (IOException gone) {
          // the thread ended while being read: its time is lost either way
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks * NANOS_PER_TICK;
  }

  /** Fields 14 and 15 (utime, stime) of a {@code /proc/<pid>/task/<tid>/stat} line. */
  static long userAndSystemTicks(String stat) {
    // The name field (2) is parenthesised and may hold spaces: count fields after its ')'.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long cpu(ProcessHandle process) {
    if (process == null) {
      return 0;
    }
    return process
        .info()
        .totalCpuDuration()
        .map(Duration::toNanos)
        .orElseThrow(
            () -> new IllegalStateException("no CPU accounting for process " + process.pid()));
  }

  /** A span started by {@link #start}. */
  public final class Span {
    private final long jvmStart;
    private final long otherStart;

    private Span(long jvmStart, long otherStart) {
      this.jvmStart = jvmStart;
      this.otherStart = otherStart;
    }

    /** The CPU used since the start. */
    public Used stop() {
      return new Used(jvmCpu() - jvmStart, cpu(other) - otherStart);
    }
  }

  /**
   * CPU nanoseconds used over a span.
   *
   * @param jvmNanos by this JVM (benchmark client and, when in-process, the server)
   * @param otherNanos by the other process, 0 without one
   */
  public record Used(long jvmNanos, long otherNanos) {

    /** Microseconds of CPU (JVM and other) per operation. */
    public double totalMicrosPer(int operations) {
      return (jvmNanos + otherNanos) / 1e3 / operations;
    }

    /** Microseconds of the other process's CPU per operation. */
    public double otherMicrosPer(int operations) {
      return otherNanos / 1e3 / operations;
    }
  }
}
