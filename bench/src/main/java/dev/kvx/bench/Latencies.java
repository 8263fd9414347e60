package dev.kvx.bench;

import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Latency samples in nanoseconds, summarised as nearest-rank percentiles in milliseconds. */
public final class Latencies {

  private final long[] nanos;
  private int size;

  public Latencies(int capacity) {
    this.nanos = new long[capacity];
  }

  /**
   * Times {@code samples} runs of {@code operation}, one after another (each waits for the previous
   * to complete). Blocks the calling thread: not for an event loop.
   *
   * @throws BenchmarkFailure when a run fails or takes longer than {@code timeout}
   */
  public static Latencies measure(
      int samples, long timeout, TimeUnit unit, Supplier<? extends CompletionStage<?>> operation)
      throws InterruptedException {
    Latencies latencies = new Latencies(samples);
    for (int i = 0; i < samples; i++) {
      long start = System.nanoTime();
      try {
        operation.get().toCompletableFuture().get(timeout, unit);
      } catch (ExecutionException e) {
        throw new BenchmarkFailure("operation failed: " + e.getCause(), e.getCause());
      } catch (TimeoutException e) {
        throw new BenchmarkFailure("operation took longer than " + timeout + " " + unit, e);
      }
      latencies.add(System.nanoTime() - start);
    }
    return latencies;
  }

  public void add(long sampleNanos) {
    nanos[size++] = sampleNanos;
  }

  public int size() {
    return size;
  }

  /**
   * The {@code p}-th percentile (0 < p ≤ 100) in milliseconds, by nearest rank: the smallest sample
   * that at least p% of samples do not exceed. With 50 samples, p99 is the largest.
   */
  public double percentileMillis(double p) {
    if (size == 0) {
      throw new IllegalStateException("no samples");
    }
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile out of (0, 100]: " + p);
    }
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100 * size);
    return sorted[rank - 1] / 1e6;
  }
}
