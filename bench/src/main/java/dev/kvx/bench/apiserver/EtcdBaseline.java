package dev.kvx.bench.apiserver;

import dev.kvx.bench.BenchmarkFailure;
import dev.kvx.bench.BoundedLoad;
import dev.kvx.bench.Latencies;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What the API server is compared with: the same etcd driven directly through jetcd, the client
 * library the API server uses, with the same value size and number of requests in flight. Keys live
 * under their own prefix, apart from the API server's {@code /registry/}.
 *
 * <p>Every method blocks until its load has finished: call from the benchmark's main thread.
 */
final class EtcdBaseline implements AutoCloseable {

  private static final long TIMEOUT_MINUTES = 10;

  private final Client client;
  private final KV kv;

  EtcdBaseline(String endpoint) {
    this.client =
        Client.builder()
            .endpoints(endpoint)
            // A list of every key is one response, larger than gRPC's default 4 MiB.
            .maxInboundMessageSize(Integer.MAX_VALUE)
            .build();
    this.kv = client.getKVClient();
  }

  /** Puts {@code values[i]} under {@code prefix} for every i; returns puts per second. */
  double puts(String prefix, byte[][] values, int inFlight) throws InterruptedException {
    return BoundedLoad.run(
        values.length,
        inFlight,
        TIMEOUT_MINUTES,
        TimeUnit.MINUTES,
        i -> kv.put(key(prefix, i), ByteSequence.from(values[i])));
  }

  /**
   * Reads back each of the {@code count} keys written by {@link #puts}; returns ranges per second.
   */
  double ranges(String prefix, int count, int inFlight) throws InterruptedException {
    return BoundedLoad.run(
        count,
        inFlight,
        TIMEOUT_MINUTES,
        TimeUnit.MINUTES,
        i -> {
          ByteSequence key = key(prefix, i);
          return kv.get(key)
              .thenAccept(
                  r -> {
                    if (r.getKvs().isEmpty()) {
                      throw new BenchmarkFailure("etcd has no " + key, null);
                    }
                  });
        });
  }

  /** Times range reads of every key under {@code prefix} ({@code limit} 0: all of them). */
  Latencies lists(String prefix, long limit, int expected, int samples)
      throws InterruptedException {
    GetOption option = GetOption.builder().isPrefix(true).withLimit(limit).build();
    ByteSequence start = bytes(prefix + "/");
    return Latencies.measure(
        samples,
        1,
        TimeUnit.MINUTES,
        () ->
            kv.get(start, option)
                .thenAccept(
                    r -> {
                      if (r.getKvs().size() != expected) {
                        throw new BenchmarkFailure(
                            "etcd listed " + r.getKvs().size() + " keys, expected " + expected,
                            null);
                      }
                    }));
  }

  private static ByteSequence key(String prefix, int i) {
    return bytes(prefix + "/" + ConfigMaps.name(i));
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    client.close();
  }
}
