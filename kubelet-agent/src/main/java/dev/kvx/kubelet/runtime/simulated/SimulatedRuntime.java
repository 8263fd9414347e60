package dev.kvx.kubelet.runtime.simulated;

import dev.kvx.component.clock.Clock;
import dev.kvx.kubelet.runtime.AttachConfig;
import dev.kvx.kubelet.runtime.ContainerConfig;
import dev.kvx.kubelet.runtime.ContainerRuntime;
import dev.kvx.kubelet.runtime.ContainerState;
import dev.kvx.kubelet.runtime.ExecConfig;
import dev.kvx.kubelet.runtime.ExecIo;
import dev.kvx.kubelet.runtime.ExecResult;
import dev.kvx.kubelet.runtime.ExecSession;
import dev.kvx.kubelet.runtime.ImageStatus;
import dev.kvx.kubelet.runtime.LogOptions;
import dev.kvx.kubelet.runtime.LogSink;
import dev.kvx.kubelet.runtime.LogStream;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.RuntimeOperationException;
import dev.kvx.kubelet.runtime.RuntimeSandbox;
import dev.kvx.kubelet.runtime.RuntimeVersion;
import dev.kvx.kubelet.runtime.SandboxConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A runtime without containers, for scale tests (KWOK's idea behind the ContainerRuntime seam):
 * sandboxes get an IP from the node's {@link PodIpRange} (its {@code spec.podCIDR}, handed in with
 * {@link #updatePodCidr} once the node IPAM controller set it: until then a sandbox that needs an
 * IP fails as a kubelet whose network plugin is not ready); a started container reports {@code
 * CREATED} for {@code runningDelay}, then {@code RUNNING}. Containers of pods whose restart policy
 * is Never or OnFailure then exit 0 after {@code completeDelay} (KWOK's default pod-complete
 * stage), so Jobs complete; init containers exit 0 as soon as they run. Images are always present,
 * logs are empty and exec succeeds without output.
 *
 * <p>State lives in memory and is computed from the injected clock when read, so nothing runs in
 * the background and hundreds of nodes fit in one process. An agent restart loses it, as a node
 * reboot would.
 */
public final class SimulatedRuntime implements ContainerRuntime {
  public static final String RUNTIME_NAME = "kvx-simulated";
  private static final String VERSION = "0.1.0";
  private static final String IMAGE_ID =
      "sha256:0000000000000000000000000000000000000000000000000000000000000000";

  private final String nodeName;
  // Null until the node has a pod CIDR; replaced as a whole, so a sandbox keeps the range it drew
  // its IP from.
  private volatile PodIpRange ips;
  private final Clock clock;
  private final Duration runningDelay;
  private final Duration completeDelay;
  private final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();
  private final Map<String, Container> containers = new ConcurrentHashMap<>();

  /**
   * A runtime whose node has no pod CIDR yet: sandboxes that need an IP fail until {@link
   * #updatePodCidr}.
   */
  public SimulatedRuntime(
      String nodeName, Clock clock, Duration runningDelay, Duration completeDelay) {
    this(nodeName, null, clock, runningDelay, completeDelay);
  }

  /**
   * @param ips the node's pod IPs, or null until {@link #updatePodCidr}
   * @param runningDelay how long a started container takes to run
   * @param completeDelay how long containers of Never/OnFailure pods run before they exit 0; null
   *     or negative: they run until stopped
   */
  public SimulatedRuntime(
      String nodeName, PodIpRange ips, Clock clock, Duration runningDelay, Duration completeDelay) {
    this.nodeName = nodeName;
    this.ips = ips;
    this.clock = clock;
    this.runningDelay = runningDelay;
    this.completeDelay = completeDelay;
  }

  /**
   * Takes the node's pod CIDR (as the kubelet hands {@code spec.podCIDR} to its runtime through
   * CRI's UpdateRuntimeConfig). Sandboxes started from now on draw their IPs from it; running ones
   * keep theirs. Cheap and non-blocking: fine on an informer thread.
   *
   * @return whether the CIDR changed
   * @throws IllegalArgumentException when {@code cidr} is not a usable pod CIDR ({@link
   *     PodIpRange})
   */
  public synchronized boolean updatePodCidr(String cidr) {
    PodIpRange current = ips;
    if (current != null && current.cidr().equals(new PodIpRange(cidr).cidr())) {
      return false;
    }
    ips = new PodIpRange(cidr);
    return true;
  }

  /** The node's pod CIDR, or null while it has none. */
  public String podCidr() {
    PodIpRange current = ips;
    return current == null ? null : current.cidr();
  }

  @Override
  public RuntimeVersion version() {
    return new RuntimeVersion(RUNTIME_NAME, VERSION);
  }

  @Override
  public void ping() {}

  @Override
  public Optional<ImageStatus> imageStatus(String image) {
    return Optional.of(new ImageStatus(IMAGE_ID, List.of()));
  }

  @Override
  public ImageStatus pullImage(String image) {
    return new ImageStatus(IMAGE_ID, List.of());
  }

  // ---- sandboxes ----

  @Override
  public String createSandbox(SandboxConfig config) {
    if (!config.hostNetwork() && ips == null) {
      throw networkNotReady();
    }
    Map<String, String> labels = new HashMap<>(config.labels());
    labels.put(RuntimeLabels.POD_UID, config.pod().uid());
    labels.put(RuntimeLabels.POD_NAMESPACE, config.pod().namespace());
    labels.put(RuntimeLabels.POD_NAME, config.pod().name());
    labels.put(RuntimeLabels.NODE, nodeName);
    String id = newId();
    sandboxes.put(id, new Sandbox(id, config, labels, clock.now()));
    return id;
  }

  @Override
  public void startSandbox(String sandboxId) {
    Sandbox s = sandbox(sandboxId);
    synchronized (s) {
      if (!s.ready && !s.stopped) {
        if (!s.config.hostNetwork()) {
          PodIpRange range = ips;
          if (range == null) {
            throw networkNotReady();
          }
          s.ip = range.allocate();
          s.range = range;
        }
        s.ready = true;
      }
    }
  }

  @Override
  public void stopSandbox(String sandboxId) {
    Sandbox s = sandboxes.get(sandboxId);
    if (s != null) {
      synchronized (s) {
        s.ready = false;
        s.stopped = true;
        if (s.range != null) {
          s.range.release(s.ip);
        }
        s.ip = null;
        s.range = null;
      }
    }
  }

  @Override
  public void removeSandbox(String sandboxId) {
    stopSandbox(sandboxId);
    sandboxes.remove(sandboxId);
  }

  @Override
  public List<RuntimeSandbox> listSandboxes(Map<String, String> labels) {
    List<RuntimeSandbox> out = new ArrayList<>();
    for (Sandbox s : sandboxes.values()) {
      if (matches(s.labels, labels)) {
        out.add(s.status());
      }
    }
    return out;
  }

  @Override
  public Optional<RuntimeSandbox> sandboxStatus(String sandboxId) {
    return Optional.ofNullable(sandboxes.get(sandboxId)).map(Sandbox::status);
  }

  // ---- containers ----

  @Override
  public String createContainer(String sandboxId, ContainerConfig config) {
    Sandbox sandbox = sandbox(sandboxId);
    Map<String, String> labels = new HashMap<>(config.labels());
    labels.put(RuntimeLabels.POD_UID, config.pod().uid());
    labels.put(RuntimeLabels.POD_NAMESPACE, config.pod().namespace());
    labels.put(RuntimeLabels.POD_NAME, config.pod().name());
    labels.put(RuntimeLabels.CONTAINER_NAME, config.name());
    labels.put(RuntimeLabels.NODE, nodeName);
    labels.put(RuntimeLabels.SANDBOX_ID, sandboxId);
    String id = newId();
    boolean completes =
        config.init()
            || ("Never".equals(sandbox.config.restartPolicy())
                || "OnFailure".equals(sandbox.config.restartPolicy()));
    containers.put(id, new Container(id, sandboxId, config, labels, clock.now(), completes));
    return id;
  }

  @Override
  public void startContainer(String containerId) {
    Container c = container(containerId);
    synchronized (c) {
      if (c.startRequestedAt == null) {
        c.startRequestedAt = clock.now();
      }
    }
  }

  @Override
  public void stopContainer(String containerId, Duration gracePeriod) {
    terminate(containerId, 0);
  }

  @Override
  public void killContainer(String containerId, String signal) {
    terminate(containerId, 137);
  }

  private void terminate(String containerId, int exitCode) {
    Container c = containers.get(containerId);
    if (c == null) {
      return;
    }
    synchronized (c) {
      Instant now = clock.now();
      if (c.stateAt(now) == ContainerState.EXITED) {
        return;
      }
      if (c.startRequestedAt == null) {
        c.startRequestedAt = now;
      }
      c.stoppedAt = now;
      c.stopExitCode = exitCode;
    }
  }

  @Override
  public void removeContainer(String containerId) {
    containers.remove(containerId);
  }

  @Override
  public List<RuntimeContainer> listContainers(Map<String, String> labels) {
    List<RuntimeContainer> out = new ArrayList<>();
    for (Container c : containers.values()) {
      if (matches(c.labels, labels)) {
        out.add(c.status());
      }
    }
    return out;
  }

  @Override
  public Optional<RuntimeContainer> containerStatus(String containerId) {
    return Optional.ofNullable(containers.get(containerId)).map(Container::status);
  }

  // ---- streaming ----

  @Override
  public LogStream logs(String containerId, LogOptions options, LogSink sink) {
    container(containerId);
    sink.end(null);
    return () -> {};
  }

  @Override
  public ExecSession exec(String containerId, ExecConfig config, ExecIo io) {
    requireRunning(containerId);
    return new ExecSession() {
      @Override
      public Integer awaitExit(Duration timeout) {
        return 0;
      }

      @Override
      public void resize(int width, int height) {}

      @Override
      public void close() {}
    };
  }

  /** A simulated container has no process whose streams could be joined: a clear error. */
  @Override
  public ExecSession attach(String containerId, AttachConfig config, ExecIo io) {
    requireRunning(containerId);
    throw new RuntimeOperationException(
        "the node's runtime ("
            + RUNTIME_NAME
            + ") runs no containers: there is no process to attach to",
        null);
  }

  @Override
  public ExecResult execSync(String containerId, List<String> command, Duration timeout) {
    requireRunning(containerId);
    return new ExecResult(0, "");
  }

  private void requireRunning(String containerId) {
    if (container(containerId).status().state() != ContainerState.RUNNING) {
      throw new RuntimeOperationException("container " + containerId + " is not running", null);
    }
  }

  @Override
  public void close() {}

  // ---- helpers ----

  /**
   * Upstream's kubelet refuses a pod sandbox while the runtime's network is not ready (no pod CIDR
   * for a kubenet/bridge network), in these words; the pod worker retries.
   */
  private RuntimeOperationException networkNotReady() {
    return new RuntimeOperationException(
        "network is not ready: container runtime network not ready: NetworkReady=false"
            + " reason:NetworkPluginNotReady message:node "
            + nodeName
            + " has no pod CIDR yet (spec.podCIDR is set by the controller manager's"
            + " node-ipam-controller)",
        null);
  }

  private Sandbox sandbox(String id) {
    Sandbox s = sandboxes.get(id);
    if (s == null) {
      throw new RuntimeOperationException("no sandbox " + id, null, true);
    }
    return s;
  }

  private Container container(String id) {
    Container c = containers.get(id);
    if (c == null) {
      throw new RuntimeOperationException("no container " + id, null, true);
    }
    return c;
  }

  private static boolean matches(Map<String, String> labels, Map<String, String> filter) {
    for (Map.Entry<String, String> e : filter.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static String newId() {
    return UUID.randomUUID().toString().replace("-", "")
        + UUID.randomUUID().toString().replace("-", "");
  }

  private final class Sandbox {
    final String id;
    final SandboxConfig config;
    final Map<String, String> labels;
    final Instant createdAt;
    boolean ready;
    boolean stopped;
    String ip;
    PodIpRange range;

    Sandbox(String id, SandboxConfig config, Map<String, String> labels, Instant createdAt) {
      this.id = id;
      this.config = config;
      this.labels = labels;
      this.createdAt = createdAt;
    }

    synchronized RuntimeSandbox status() {
      return new RuntimeSandbox(id, config.pod(), config.attempt(), ready, ip, createdAt);
    }
  }

  private final class Container {
    final String id;
    final String sandboxId;
    final ContainerConfig config;
    final Map<String, String> labels;
    final Instant createdAt;
    final boolean completes;
    Instant startRequestedAt;
    Instant stoppedAt;
    int stopExitCode;

    Container(
        String id,
        String sandboxId,
        ContainerConfig config,
        Map<String, String> labels,
        Instant createdAt,
        boolean completes) {
      this.id = id;
      this.sandboxId = sandboxId;
      this.config = config;
      this.labels = labels;
      this.createdAt = createdAt;
      this.completes = completes;
    }

    Instant runningAt() {
      return startRequestedAt == null ? null : startRequestedAt.plus(runningDelay);
    }

    /** When the container exits on its own, or null if it runs until stopped. */
    Instant completesAt() {
      Instant running = runningAt();
      if (running == null || !completes) {
        return null;
      }
      if (config.init()) {
        return running;
      }
      return completeDelay == null || completeDelay.isNegative()
          ? null
          : running.plus(completeDelay);
    }

    ContainerState stateAt(Instant now) {
      Instant running = runningAt();
      Instant completes = completesAt();
      if (stoppedAt != null && (completes == null || stoppedAt.isBefore(completes))) {
        return ContainerState.EXITED;
      }
      if (completes != null && !now.isBefore(completes)) {
        return ContainerState.EXITED;
      }
      if (running != null && !now.isBefore(running)) {
        return ContainerState.RUNNING;
      }
      return ContainerState.CREATED;
    }

    synchronized RuntimeContainer status() {
      Instant now = clock.now();
      ContainerState state = stateAt(now);
      Instant startedAt = null;
      Instant finishedAt = null;
      Integer exitCode = null;
      String reason = null;
      if (state == ContainerState.RUNNING) {
        startedAt = runningAt();
      } else if (state == ContainerState.EXITED) {
        Instant completes = completesAt();
        boolean stopped = stoppedAt != null && (completes == null || stoppedAt.isBefore(completes));
        Instant running = runningAt();
        finishedAt = stopped ? stoppedAt : completes;
        startedAt = running != null && !running.isAfter(finishedAt) ? running : finishedAt;
        exitCode = stopped ? stopExitCode : 0;
        reason = exitCode == 0 ? "Completed" : "Error";
      }
      return new RuntimeContainer(
          id,
          sandboxId,
          config.pod(),
          config.name(),
          config.attempt(),
          state,
          createdAt,
          startedAt,
          finishedAt,
          exitCode,
          reason,
          null,
          config.image(),
          "docker://" + IMAGE_ID,
          labels);
    }
  }
}
