package dev.kvx.kubelet.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import dev.kvx.kubelet.DockerSupport;
import dev.kvx.kubelet.runtime.AttachConfig;
import dev.kvx.kubelet.runtime.ContainerConfig;
import dev.kvx.kubelet.runtime.ContainerState;
import dev.kvx.kubelet.runtime.ExecConfig;
import dev.kvx.kubelet.runtime.ExecIo;
import dev.kvx.kubelet.runtime.ExecResult;
import dev.kvx.kubelet.runtime.ExecSession;
import dev.kvx.kubelet.runtime.ImagePullException;
import dev.kvx.kubelet.runtime.LogOptions;
import dev.kvx.kubelet.runtime.LogSink;
import dev.kvx.kubelet.runtime.PodRef;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.RuntimeSandbox;
import dev.kvx.kubelet.runtime.SandboxConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Docker runtime against the real engine: sandbox, joined containers, exec, logs. */
class DockerRuntimeTest {
  DockerClient docker;
  String node;
  DockerRuntime runtime;
  PodRef pod;

  @BeforeEach
  void setUp() {
    docker = DockerSupport.requireDocker();
    node = DockerSupport.uniqueNodeName("rt");
    runtime =
        new DockerRuntime(docker, node, DockerSupport.IMAGE, DockerSupport.SANDBOX_COMMAND, false);
    pod = new PodRef(UUID.randomUUID().toString(), "default", "p1");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (docker != null) {
      DockerSupport.removeNodeContainers(docker, node);
      docker.close();
    }
  }

  private ContainerConfig container(String name, List<String> command) {
    return container(name, command, false);
  }

  /**
   * {@code stdin}: created with stdin open and closed after the first attach, as kubectl run -i.
   */
  private ContainerConfig container(String name, List<String> command, boolean stdin) {
    return new ContainerConfig(
        pod,
        name,
        0,
        DockerSupport.IMAGE,
        command,
        null,
        null,
        List.of("GREETING=hi"),
        List.of(),
        null,
        null,
        false,
        stdin,
        stdin,
        false,
        Map.of());
  }

  @Test
  void aBuildableSandboxImageThatCannotBePulledIsBuiltFromTheHostsBusybox() {
    // A tag of this test's own stands in for kvx/busybox:latest, which tests beside it use.
    String tag = "kvx-test/busybox:" + UUID.randomUUID().toString().substring(0, 8);
    DockerRuntime building =
        new DockerRuntime(docker, node, tag, DockerSupport.SANDBOX_COMMAND, false, true);
    try {
      String sandbox =
          building.createSandbox(
              new SandboxConfig(pod, 0, "p1", false, List.of(), "Always", Map.of()));
      building.startSandbox(sandbox);

      assertThat(building.imageStatus(tag)).isPresent();
      assertThat(building.sandboxStatus(sandbox).orElseThrow().ready()).isTrue();
    } finally {
      DockerSupport.removeNodeContainers(docker, node);
      BusyboxImageTest.untag(docker, tag);
    }
  }

  @Test
  void anyOtherSandboxImageThatCannotBePulledFailsThePull() {
    String tag = "kvx-test/not-pullable:" + UUID.randomUUID().toString().substring(0, 8);
    DockerRuntime other =
        new DockerRuntime(docker, node, tag, DockerSupport.SANDBOX_COMMAND, false);

    assertThatThrownBy(
            () ->
                other.createSandbox(
                    new SandboxConfig(pod, 0, "p1", false, List.of(), "Always", Map.of())))
        .isInstanceOf(ImagePullException.class)
        .hasMessageContaining("failed to pull and unpack image \"" + tag + "\"");
    assertThat(other.imageStatus(tag)).isEmpty();
  }

  @Test
  void containersOfAPodShareTheSandboxNetworkAndHostName() throws Exception {
    String sandbox =
        runtime.createSandbox(
            new SandboxConfig(pod, 0, "p1", false, List.of(), "Always", Map.of()));
    runtime.startSandbox(sandbox);
    RuntimeSandbox status = runtime.sandboxStatus(sandbox).orElseThrow();
    assertThat(status.ready()).isTrue();
    assertThat(status.ip()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    assertThat(status.pod()).isEqualTo(pod);

    String server =
        runtime.createContainer(
            sandbox,
            container(
                "server", List.of("sh", "-c", "echo hello-$GREETING; httpd -f -p 8080 -h /etc")));
    runtime.startContainer(server);
    String client = runtime.createContainer(sandbox, container("client", List.of("sleep", "3600")));
    runtime.startContainer(client);

    ExecResult hostname =
        runtime.execSync(client, List.of("cat", "/etc/hostname"), Duration.ofSeconds(10));
    assertThat(hostname.exitCode()).isZero();
    assertThat(hostname.output().strip()).isEqualTo("p1");
    // the client reaches the server on localhost: one network namespace
    ExecResult fetched =
        runtime.execSync(
            client,
            List.of("wget", "-q", "-O", "-", "http://127.0.0.1:8080/hostname"),
            Duration.ofSeconds(10));
    assertThat(fetched.exitCode()).as(fetched.output()).isZero();
    assertThat(fetched.output().strip()).isEqualTo("p1");
    assertThat(
            runtime
                .execSync(client, List.of("sh", "-c", "exit 3"), Duration.ofSeconds(10))
                .exitCode())
        .isEqualTo(3);

    List<RuntimeContainer> listed =
        runtime.listContainers(Map.of(RuntimeLabels.POD_UID, pod.uid()));
    assertThat(listed)
        .extracting(RuntimeContainer::name)
        .containsExactlyInAnyOrder("server", "client");
    assertThat(listed)
        .allSatisfy(
            c -> {
              assertThat(c.state()).isEqualTo(ContainerState.RUNNING);
              assertThat(c.sandboxId()).isEqualTo(sandbox);
              assertThat(c.startedAt()).isNotNull();
              assertThat(c.imageRef()).startsWith("docker://sha256:");
            });

    StringBuilder log = new StringBuilder();
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    runtime.logs(
        server,
        new LogOptions(false, null, null, false),
        new LogSink() {
          @Override
          public void chunk(byte[] data, boolean stderr) {
            log.append(new String(data, StandardCharsets.UTF_8));
          }

          @Override
          public void end(Throwable error) {
            ended.complete(error);
          }
        });
    assertThat(ended.get(10, TimeUnit.SECONDS)).isNull();
    assertThat(log.toString()).isEqualTo("hello-hi\n");

    runtime.stopContainer(server, Duration.ofSeconds(1));
    RuntimeContainer stopped = runtime.containerStatus(server).orElseThrow();
    assertThat(stopped.state()).isEqualTo(ContainerState.EXITED);
    assertThat(stopped.exitCode()).isNotNull();
    assertThat(stopped.finishedAt()).isNotNull();

    runtime.stopSandbox(sandbox);
    assertThat(runtime.sandboxStatus(sandbox).orElseThrow().ready()).isFalse();
    runtime.removeContainer(server);
    runtime.removeContainer(client);
    runtime.removeSandbox(sandbox);
    assertThat(runtime.listContainers(Map.of())).isEmpty();
    assertThat(runtime.listSandboxes(Map.of())).isEmpty();
  }

  @Test
  void execFeedsStdinUntilItsEnd() throws Exception {
    String sandbox =
        runtime.createSandbox(
            new SandboxConfig(pod, 0, "p1", false, List.of(), "Always", Map.of()));
    runtime.startSandbox(sandbox);
    String c = runtime.createContainer(sandbox, container("c", List.of("sleep", "3600")));
    runtime.startContainer(c);
    Collected io = new Collected("line one\nline two\n");
    try (ExecSession s =
        runtime.exec(c, new ExecConfig(List.of("wc", "-l"), true, true, true, false), io)) {
      assertThat(s.awaitExit(Duration.ofSeconds(10))).isZero();
    }
    assertThat(io.out().strip()).isEqualTo("2");
  }

  @Test
  void attachJoinsTheMainProcessStdinOnceAndOutputFromNowOn() throws Exception {
    String sandbox =
        runtime.createSandbox(
            new SandboxConfig(pod, 0, "p1", false, List.of(), "Always", Map.of()));
    runtime.startSandbox(sandbox);
    // Written before the attach: not replayed (that is what logs are for).
    String c =
        runtime.createContainer(
            sandbox,
            container(
                "c",
                List.of("sh", "-c", "echo before; read x; echo got $x; echo err >&2; cat"),
                true));
    runtime.startContainer(c);
    await().atMost(Duration.ofSeconds(10)).until(() -> logOf(c).equals("before\n"));
    Collected io = new Collected("hello\nrest\n");

    try (ExecSession s = runtime.attach(c, new AttachConfig(true, true, true, false), io)) {
      // cat ends only if the client's end of stdin closes the process' stdin (StdinOnce).
      assertThat(s.awaitExit(Duration.ofSeconds(20))).isZero();
    }
    assertThat(io.out()).isEqualTo("got hello\nrest\n");
    assertThat(io.err()).isEqualTo("err\n");
    RuntimeContainer exited = runtime.containerStatus(c).orElseThrow();
    assertThat(exited.state()).isEqualTo(ContainerState.EXITED);

    assertThatThrownBy(() -> runtime.attach(c, new AttachConfig(false, true, true, false), io))
        .hasMessage("container is in CONTAINER_EXITED state");
  }

  private String logOf(String container) throws Exception {
    Collected log = new Collected("");
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    runtime.logs(
        container,
        new LogOptions(false, null, null, false),
        new LogSink() {
          @Override
          public void chunk(byte[] data, boolean stderr) {
            log.stdout(data);
          }

          @Override
          public void end(Throwable error) {
            ended.complete(error);
          }
        });
    assertThat(ended.get(10, TimeUnit.SECONDS)).isNull();
    return log.out();
  }

  /** Feeds {@code stdin}, collects what comes back per stream. */
  private static final class Collected implements ExecIo {
    private final InputStream stdin;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    Collected(String stdin) {
      this.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public InputStream stdin() {
      return stdin;
    }

    @Override
    public synchronized void stdout(byte[] data) {
      out.writeBytes(data);
    }

    @Override
    public synchronized void stderr(byte[] data) {
      err.writeBytes(data);
    }

    synchronized String out() {
      return out.toString(StandardCharsets.UTF_8);
    }

    synchronized String err() {
      return err.toString(StandardCharsets.UTF_8);
    }
  }
}
