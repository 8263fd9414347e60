package dev.kvx.apiserver.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.storage.KeyValue;
import dev.kvx.apiserver.storage.RangeResult;
import dev.kvx.apiserver.storage.RecordingListener;
import dev.kvx.apiserver.storage.StorageException;
import dev.kvx.apiserver.storage.StorageWatch;
import io.vertx.core.Future;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the embedded store keeps across close, crash and log rewrite. */
class EmbeddedStorageRecoveryTest {

  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static String pod(String name) {
    return "/registry/pods/default/" + name;
  }

  private Path db() {
    return dir.resolve("db");
  }

  private List<Path> files(String prefix) throws IOException {
    try (Stream<Path> s = Files.list(db())) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
    }
  }

  private Path lastSegment() throws IOException {
    List<Path> segments = files("wal-");
    return segments.get(segments.size() - 1);
  }

  @Test
  void reopenKeepsEveryAcknowledgedWriteAndTheRevision() throws Exception {
    long revision;
    try (EmbeddedStorage s = EmbeddedStorage.open(db())) {
      KeyValue a = await(s.create(pod("a"), bytes("a1")));
      await(s.update(pod("a"), bytes("a2"), a.modRevision()));
      await(s.create(pod("b"), bytes("b1")));
      await(s.delete(pod("b"), 0));
      await(s.create(pod("c"), bytes("c1")));
      revision = await(s.currentRevision());
    }

    try (EmbeddedStorage s = EmbeddedStorage.open(db())) {
      RangeResult all = await(s.list("/registry/"));

      assertThat(all.revision()).isEqualTo(revision).isEqualTo(5);
      assertThat(all.items())
          .extracting(
              kv ->
                  kv.key()
                      + "="
                      + text(kv.value())
                      + "@"
                      + kv.createRevision()
                      + "/"
                      + kv.modRevision())
          .containsExactly(pod("a") + "=a2@1/2", pod("c") + "=c1@5/5");
      assertThat(await(s.create(pod("d"), bytes("d"))).modRevision()).isEqualTo(revision + 1);
    }
  }

  @Test
  void watchAfterReopenReplaysTheLoggedHistory() throws Exception {
    try (EmbeddedStorage s = EmbeddedStorage.open(db())) {
      await(s.create(pod("a"), bytes("a1")));
      await(s.update(pod("a"), bytes("a2"), 0));
      await(s.delete(pod("a"), 0));
    }

    try (EmbeddedStorage s = EmbeddedStorage.open(db())) {
      RecordingListener l = new RecordingListener();
      try (StorageWatch w = s.watch("/registry/pods/", 2, l)) {
        l.awaitRevision(3);

        assertThat(RecordingListener.names(l.events()))
            .containsExactly("PUT " + pod("a") + "@2", "DELETE " + pod("a") + "@3");
        assertThat(text(l.events().get(0).prevValue())).isEqualTo("a1");
        assertThat(text(l.events().get(1).kv().value())).isEqualTo("a2");
      }
    }
  }

  @Test
  void tornLastRecordIsCutOffOnReopen() throws Exception {
    try (EmbeddedStorage s = EmbeddedStorage.open(db())) {
      await(s.create(pod("a"), bytes("a")));
      await(s.create(pod("b"), bytes("b")));
      await(s.create(pod("c"), bytes("c")));
    }
    Path segment = lastSegment();
    long size = Files.size(segment);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(size - 3); // a crash in the middle of writing the last record
    }

    try (EmbeddedStorage s = EmbeddedStorage.open(db())) {
      assertThat(await(s.currentRevision())).isEqualTo(2);
      assertThat(await(s.get(pod("c")))).isNull();
      assertThat(await(s.create(pod("c"), bytes("c2"))).modRevision()).isEqualTo(3);
    }
    try (EmbeddedStorage s = EmbeddedStorage.open(db())) {
      assertThat(await(s.list("/registry/")).items())
          .extracting(KeyValue::key)
          .containsExactly(pod("a"), pod("b"), pod("c"));
      assertThat(text(await(s.get(pod("c"))).value())).isEqualTo("c2");
    }
  }

  @Test
  void garbageOrBadChecksumAtTheTailIsCutOff() throws Exception {
    try (EmbeddedStorage s = EmbeddedStorage.open(db())) {
      await(s.create(pod("a"), bytes("a")));
      await(s.create(pod("b"), bytes("bbbbbbbb")));
    }
    Path segment = lastSegment();
    byte[] content = Files.readAllBytes(segment);
    content[content.length - 2] ^= 0x55; // flips a bit of b's value: its checksum fails
    Files.write(segment, content);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 9, 1, 2})); // half a header
    }

    try (EmbeddedStorage s = EmbeddedStorage.open(db())) {
      assertThat(await(s.currentRevision())).isEqualTo(1);
      assertThat(await(s.list("/registry/")).items())
          .extracting(KeyValue::key)
          .containsExactly(pod("a"));
    }
  }

  @Test
  void secondOpenOfTheSameDirectoryFails() throws Exception {
    try (EmbeddedStorage s = EmbeddedStorage.open(db())) {
      assertThatThrownBy(() -> EmbeddedStorage.open(db()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("already open");
    }
    EmbeddedStorage.open(db()).close(); // released on close
  }

  @Test
  void logIsRewrittenAsASnapshotAndKeepsTheData() throws Exception {
    EmbeddedStorageOptions options =
        EmbeddedStorageOptions.onDisk(db()).withSnapshotThreshold(4096, 2);
    Map<String, String> expected = new HashMap<>();
    long revision;
    try (EmbeddedStorage s = EmbeddedStorage.open(options)) {
      for (int i = 0; i < 10; i++) {
        await(s.create(pod("p" + i), bytes("v0")));
      }
      for (int round = 1; round <= 200; round++) {
        List<Future<?>> writes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          String value = "value-" + round + "-" + "x".repeat(40);
          writes.add(s.update(pod("p" + i), bytes(value), 0));
          expected.put(pod("p" + i), value);
        }
        await(Future.all(writes));
      }
      revision = await(s.currentRevision());
      Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> !files("snapshot-").isEmpty());
    }
    // 2,010 writes of ~100 bytes would be ~200 KB of log; snapshots keep it to a few KB.
    long used = 0;
    for (Path p : files("")) {
      used += Files.size(p);
    }
    assertThat(used).isLessThan(32 * 1024);

    try (EmbeddedStorage s = EmbeddedStorage.open(options)) {
      RangeResult all = await(s.list("/registry/pods/"));
      Map<String, String> actual = new HashMap<>();
      all.items().forEach(kv -> actual.put(kv.key(), text(kv.value())));

      assertThat(all.revision()).isEqualTo(revision);
      assertThat(actual).isEqualTo(expected);
      assertThat(all.items()).allSatisfy(kv -> assertThat(kv.createRevision()).isBetween(1L, 10L));
      // History before the snapshot is gone: a watch from there must relist.
      RecordingListener l = new RecordingListener();
      try (StorageWatch w = s.watch("/registry/pods/", 1, l)) {
        assertThat(l.awaitError()).isInstanceOf(StorageException.Compacted.class);
      }
    }
  }

  @Test
  void acknowledgedWritesSurviveKillDashNine() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                WriterProcess.class.getName(),
                db().toString())
            .redirectErrorStream(false)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    Map<String, Long> acked = new HashMap<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; acked.size() < 1000 && (line = out.readLine()) != null; ) {
        if (line.startsWith("ack ")) {
          String[] parts = line.split(" ");
          acked.put(parts[2], Long.parseLong(parts[1]));
        }
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no flush
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(acked).hasSize(1000);

    try (EmbeddedStorage s = EmbeddedStorage.open(db())) {
      long maxAcked = acked.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      assertThat(await(s.currentRevision())).isGreaterThanOrEqualTo(maxAcked);
      for (Map.Entry<String, Long> e : acked.entrySet()) {
        KeyValue kv = await(s.get(e.getKey()));
        assertThat(kv).as(e.getKey()).isNotNull();
        assertThat(kv.modRevision()).isEqualTo(e.getValue());
      }
    }
  }
}
