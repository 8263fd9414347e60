package dev.kvx.bench;

/** A benchmark could not measure what it set out to (a failed request, a timeout). */
public final class BenchmarkFailure extends RuntimeException {

  public BenchmarkFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
