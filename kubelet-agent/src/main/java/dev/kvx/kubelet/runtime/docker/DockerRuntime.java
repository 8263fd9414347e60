package dev.kvx.kubelet.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Volume;
import dev.kvx.kubelet.runtime.AttachConfig;
import dev.kvx.kubelet.runtime.ContainerConfig;
import dev.kvx.kubelet.runtime.ContainerRuntime;
import dev.kvx.kubelet.runtime.ContainerState;
import dev.kvx.kubelet.runtime.ExecConfig;
import dev.kvx.kubelet.runtime.ExecIo;
import dev.kvx.kubelet.runtime.ExecResult;
import dev.kvx.kubelet.runtime.ExecSession;
import dev.kvx.kubelet.runtime.ImagePullException;
import dev.kvx.kubelet.runtime.ImageStatus;
import dev.kvx.kubelet.runtime.LogOptions;
import dev.kvx.kubelet.runtime.LogSink;
import dev.kvx.kubelet.runtime.LogStream;
import dev.kvx.kubelet.runtime.PodRef;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.RuntimeOperationException;
import dev.kvx.kubelet.runtime.RuntimeSandbox;
import dev.kvx.kubelet.runtime.RuntimeVersion;
import dev.kvx.kubelet.runtime.SandboxConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime on Docker Engine through docker-java, laid out as dockershim did it: the sandbox is a
 * container (pause-style: it only sleeps) that owns the pod's network and IPC namespaces; the pod's
 * containers join them ({@code container:<sandbox-id>} network mode), so they share localhost, the
 * host name and the sandbox's bridge IP. Names follow dockershim ({@code
 * k8s_<container>_<pod>_<namespace>_<uid>_<attempt>}); labels record the identity and the node.
 *
 * <p>Inspecting a container costs a round trip per container, so listings reuse an earlier inspect
 * of the same container while {@code docker ps} reports the same state.
 */
public final class DockerRuntime implements ContainerRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(DockerRuntime.class);
  static final String RUNTIME_NAME = "docker";
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
  private static final int EXEC_OUTPUT_LIMIT = 16 * 1024;

  private final DockerClient docker;
  private final String nodeName;
  private final String sandboxImage;
  private final List<String> sandboxCommand;
  private final boolean ownsClient;
  private final boolean buildSandboxImage;
  private final Map<String, Cached<RuntimeContainer>> containers = new ConcurrentHashMap<>();
  private final Map<String, Cached<RuntimeSandbox>> sandboxes = new ConcurrentHashMap<>();
  private final Map<String, ImageStatus> imagesById = new ConcurrentHashMap<>();

  /**
   * @param docker the engine client (shared by the agents of one process)
   * @param nodeName the node this instance serves
   * @param sandboxImage the pause-style image of sandboxes
   * @param sandboxCommand its command, or null for the image's own (a pause image's {@code
   *     /pause}); for a busybox image e.g. {@code sleep 2147483647}
   * @param ownsClient close {@code docker} on {@link #close()}
   */
  public DockerRuntime(
      DockerClient docker,
      String nodeName,
      String sandboxImage,
      List<String> sandboxCommand,
      boolean ownsClient) {
    this(
        docker,
        nodeName,
        sandboxImage,
        sandboxCommand,
        ownsClient,
        BusyboxImage.TAG.equals(sandboxImage));
  }

  /**
   * As the public constructor; {@code buildSandboxImage}: build the sandbox image with {@link
   * BusyboxImage} when it cannot be pulled (tests use it with a tag of their own).
   */
  DockerRuntime(
      DockerClient docker,
      String nodeName,
      String sandboxImage,
      List<String> sandboxCommand,
      boolean ownsClient,
      boolean buildSandboxImage) {
    this.docker = docker;
    this.nodeName = nodeName;
    this.sandboxImage = sandboxImage;
    this.sandboxCommand = sandboxCommand == null ? null : List.copyOf(sandboxCommand);
    this.ownsClient = ownsClient;
    this.buildSandboxImage = buildSandboxImage;
  }

  @Override
  public RuntimeVersion version() {
    return call(
        "version", () -> new RuntimeVersion(RUNTIME_NAME, docker.versionCmd().exec().getVersion()));
  }

  @Override
  public void ping() {
    run("ping", () -> docker.pingCmd().exec());
  }

  // ---- images ----

  @Override
  public Optional<ImageStatus> imageStatus(String image) {
    try {
      InspectImageResponse r = docker.inspectImageCmd(image).exec();
      return Optional.of(toImageStatus(r));
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw new RuntimeOperationException("inspect image " + image + ": " + e.getMessage(), e);
    }
  }

  @Override
  public ImageStatus pullImage(String image) {
    try {
      docker.pullImageCmd(image).start().awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImagePullException("pull " + image + " interrupted", e);
    } catch (RuntimeException e) {
      throw new ImagePullException(pullMessage(image, e), e);
    }
    return imageStatus(image)
        .orElseThrow(() -> new ImagePullException("image " + image + " missing after pull", null));
  }

  private static String pullMessage(String image, RuntimeException e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage().strip();
    return "failed to pull and unpack image \"" + image + "\": " + m;
  }

  private ImageStatus toImageStatus(InspectImageResponse r) {
    ImageStatus status = new ImageStatus(r.getId(), r.getRepoDigests());
    imagesById.put(r.getId(), status);
    return status;
  }

  private String imageRef(String imageId) {
    if (imageId == null) {
      return null;
    }
    ImageStatus status = imagesById.get(imageId);
    if (status == null) {
      try {
        status = toImageStatus(docker.inspectImageCmd(imageId).exec());
      } catch (RuntimeException e) {
        return "docker://" + imageId;
      }
    }
    return status.imageRef();
  }

  // ---- sandboxes ----

  /**
   * Pulls the sandbox image. kvx's own {@link BusyboxImage#TAG} is in no registry: when its pull
   * fails it is built from the host's static busybox instead, so a fresh machine needs no build
   * step (the sandbox is created on a pod worker's thread, so the build may block).
   */
  private void obtainSandboxImage() {
    try {
      pullImage(sandboxImage);
    } catch (ImagePullException pull) {
      if (!buildSandboxImage) {
        throw pull;
      }
      try {
        BusyboxImage.ensure(docker, sandboxImage).ifPresent(b -> LOG.info(b.summary()));
      } catch (ImageBuildException build) {
        throw new ImagePullException(
            pull.getMessage() + "; building it locally failed too: " + build.getMessage(), build);
      }
    }
  }

  @Override
  public String createSandbox(SandboxConfig config) {
    if (imageStatus(sandboxImage).isEmpty()) {
      obtainSandboxImage();
    }
    PodRef pod = config.pod();
    Map<String, String> labels = new HashMap<>(config.labels());
    labels.putAll(identity(pod, RuntimeLabels.TYPE_SANDBOX, config.attempt()));
    if (config.restartPolicy() != null) {
      labels.put(RuntimeLabels.RESTART_POLICY, config.restartPolicy());
    }
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode(config.hostNetwork() ? "host" : "bridge")
            .withIpcMode("shareable");
    List<ExposedPort> exposed = new ArrayList<>();
    if (!config.hostNetwork() && !config.portMappings().isEmpty()) {
      Ports ports = new Ports();
      for (SandboxConfig.PortMapping m : config.portMappings()) {
        ExposedPort port =
            new ExposedPort(m.containerPort(), InternetProtocol.parse(protocol(m.protocol())));
        exposed.add(port);
        ports.bind(port, Ports.Binding.bindIpAndPort(hostIp(m.hostIp()), m.hostPort()));
      }
      host.withPortBindings(ports);
    }
    CreateContainerCmd cmd =
        docker
            .createContainerCmd(sandboxImage)
            .withName(sandboxName(pod, config.attempt()))
            .withLabels(labels)
            .withHostConfig(host);
    if (!exposed.isEmpty()) {
      cmd.withExposedPorts(exposed);
    }
    if (!config.hostNetwork() && config.hostname() != null) {
      cmd.withHostName(config.hostname());
    }
    if (sandboxCommand != null) {
      cmd.withEntrypoint(sandboxCommand).withCmd(List.of());
    }
    return call("create sandbox for " + pod, () -> cmd.exec().getId());
  }

  private static String protocol(String p) {
    return p == null || p.isEmpty() ? "tcp" : p.toLowerCase();
  }

  private static String hostIp(String ip) {
    return ip == null || ip.isEmpty() ? "0.0.0.0" : ip;
  }

  @Override
  public void startSandbox(String sandboxId) {
    startContainer(sandboxId);
  }

  @Override
  public void stopSandbox(String sandboxId) {
    try {
      docker.stopContainerCmd(sandboxId).withTimeout(0).exec();
    } catch (NotModifiedException | NotFoundException e) {
      // already stopped or gone
    } catch (RuntimeException e) {
      throw new RuntimeOperationException("stop sandbox " + sandboxId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void removeSandbox(String sandboxId) {
    removeContainer(sandboxId);
  }

  @Override
  public List<RuntimeSandbox> listSandboxes(Map<String, String> labels) {
    List<Container> found = list(RuntimeLabels.TYPE_SANDBOX, labels);
    if (labels.isEmpty()) {
      sandboxes.keySet().retainAll(ids(found)); // a full listing: forget removed sandboxes
    }
    List<RuntimeSandbox> out = new ArrayList<>();
    for (Container c : found) {
      Cached<RuntimeSandbox> cached = sandboxes.get(c.getId());
      if (cached != null && cached.psState.equals(c.getState())) {
        out.add(cached.value);
        continue;
      }
      sandboxStatus(c.getId()).ifPresent(out::add);
    }
    return out;
  }

  @Override
  public Optional<RuntimeSandbox> sandboxStatus(String sandboxId) {
    InspectContainerResponse r = inspect(sandboxId);
    if (r == null) {
      return Optional.empty();
    }
    Map<String, String> labels = r.getConfig().getLabels();
    boolean ready = Boolean.TRUE.equals(r.getState().getRunning());
    RuntimeSandbox sandbox =
        new RuntimeSandbox(
            r.getId(),
            podRef(labels),
            attempt(labels),
            ready,
            ready ? ip(r) : null,
            parseTime(r.getCreated()));
    sandboxes.put(r.getId(), new Cached<>(psState(r), sandbox));
    return Optional.of(sandbox);
  }

  private static String ip(InspectContainerResponse r) {
    if (r.getNetworkSettings() == null) {
      return null;
    }
    Map<String, ContainerNetwork> networks = r.getNetworkSettings().getNetworks();
    if (networks != null) {
      for (ContainerNetwork n : networks.values()) {
        if (n.getIpAddress() != null && !n.getIpAddress().isEmpty()) {
          return n.getIpAddress();
        }
      }
    }
    return null; // host network: the agent uses the node's IP
  }

  // ---- containers ----

  @Override
  public String createContainer(String sandboxId, ContainerConfig config) {
    PodRef pod = config.pod();
    Map<String, String> labels = new HashMap<>(config.labels());
    labels.putAll(identity(pod, RuntimeLabels.TYPE_CONTAINER, config.attempt()));
    labels.put(RuntimeLabels.CONTAINER_NAME, config.name());
    labels.put(RuntimeLabels.SANDBOX_ID, sandboxId);
    ContainerConfig.Resources res = config.resources();
    ContainerConfig.Security sec = config.security();
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode("container:" + sandboxId)
            .withIpcMode("container:" + sandboxId)
            .withBinds(
                config.mounts().stream()
                    .map(
                        m ->
                            new Bind(
                                m.hostPath(),
                                new Volume(m.containerPath()),
                                m.readOnly() ? AccessMode.ro : AccessMode.rw))
                    .toList())
            .withPrivileged(sec.privileged())
            .withReadonlyRootfs(sec.readOnlyRootFilesystem());
    if (res.memoryLimitBytes() > 0) {
      host.withMemory(res.memoryLimitBytes());
    }
    if (res.cpuQuota() > 0) {
      host.withCpuPeriod(ContainerConfig.Resources.CPU_PERIOD).withCpuQuota(res.cpuQuota());
    }
    if (res.cpuShares() > 0) {
      host.withCpuShares((int) res.cpuShares());
    }
    if (!sec.capAdd().isEmpty()) {
      host.withCapAdd(capabilities(sec.capAdd()));
    }
    if (!sec.capDrop().isEmpty()) {
      host.withCapDrop(capabilities(sec.capDrop()));
    }
    CreateContainerCmd cmd =
        docker
            .createContainerCmd(config.image())
            .withName(containerName(pod, config.name(), config.attempt()))
            .withLabels(labels)
            .withEnv(config.env())
            .withTty(config.tty())
            .withStdinOpen(config.stdin())
            .withStdInOnce(config.stdin() && config.stdinOnce())
            .withHostConfig(host);
    if (config.entrypoint() != null) {
      cmd.withEntrypoint(config.entrypoint());
      // An explicit entrypoint drops the image's command (Kubernetes' command/args rules).
      cmd.withCmd(config.cmd() == null ? List.of() : config.cmd());
    } else if (config.cmd() != null) {
      cmd.withCmd(config.cmd());
    }
    if (config.workingDir() != null && !config.workingDir().isEmpty()) {
      cmd.withWorkingDir(config.workingDir());
    }
    if (sec.user() != null) {
      cmd.withUser(sec.user());
    }
    return call("create container " + config.name() + " of " + pod, () -> cmd.exec().getId());
  }

  private static Capability[] capabilities(List<String> names) {
    List<Capability> caps = new ArrayList<>();
    for (String n : names) {
      String name = n.toUpperCase().startsWith("CAP_") ? n.substring(4) : n;
      try {
        caps.add(Capability.valueOf(name.toUpperCase()));
      } catch (IllegalArgumentException e) {
        throw new RuntimeOperationException("unknown capability " + n, e);
      }
    }
    return caps.toArray(Capability[]::new);
  }

  @Override
  public void startContainer(String containerId) {
    try {
      docker.startContainerCmd(containerId).exec();
    } catch (NotModifiedException e) {
      // already running
    } catch (RuntimeException e) {
      throw new RuntimeOperationException(
          "start container " + containerId + ": " + e.getMessage(),
          e,
          e instanceof NotFoundException);
    }
  }

  @Override
  public void stopContainer(String containerId, Duration gracePeriod) {
    int seconds = (int) Math.max(0, Math.min(Integer.MAX_VALUE, gracePeriod.toSeconds()));
    try {
      docker.stopContainerCmd(containerId).withTimeout(seconds).exec();
    } catch (NotModifiedException | NotFoundException e) {
      // already stopped or gone
    } catch (RuntimeException e) {
      throw new RuntimeOperationException(
          "stop container " + containerId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void killContainer(String containerId, String signal) {
    try {
      docker.killContainerCmd(containerId).withSignal(signal).exec();
    } catch (ConflictException | NotFoundException e) {
      // not running any more
    } catch (RuntimeException e) {
      throw new RuntimeOperationException(
          "kill container " + containerId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void removeContainer(String containerId) {
    try {
      docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // gone already
    } catch (ConflictException e) {
      // removal already in progress
    } catch (RuntimeException e) {
      throw new RuntimeOperationException(
          "remove container " + containerId + ": " + e.getMessage(), e);
    }
    containers.remove(containerId);
    sandboxes.remove(containerId);
  }

  @Override
  public List<RuntimeContainer> listContainers(Map<String, String> labels) {
    List<Container> found = list(RuntimeLabels.TYPE_CONTAINER, labels);
    if (labels.isEmpty()) {
      containers.keySet().retainAll(ids(found)); // a full listing: forget removed containers
    }
    List<RuntimeContainer> out = new ArrayList<>();
    for (Container c : found) {
      Cached<RuntimeContainer> cached = containers.get(c.getId());
      if (cached != null && cached.psState.equals(c.getState())) {
        out.add(cached.value);
        continue;
      }
      containerStatus(c.getId()).ifPresent(out::add);
    }
    return out;
  }

  @Override
  public Optional<RuntimeContainer> containerStatus(String containerId) {
    InspectContainerResponse r = inspect(containerId);
    if (r == null) {
      return Optional.empty();
    }
    Map<String, String> labels = r.getConfig().getLabels();
    InspectContainerResponse.ContainerState s = r.getState();
    ContainerState state = state(s);
    Integer exitCode = null;
    String reason = null;
    if (state == ContainerState.EXITED) {
      exitCode = s.getExitCodeLong() == null ? null : s.getExitCodeLong().intValue();
      if (Boolean.TRUE.equals(s.getOOMKilled())) {
        reason = "OOMKilled";
      } else {
        reason = exitCode != null && exitCode == 0 ? "Completed" : "Error";
      }
    }
    String message = s.getError() == null || s.getError().isEmpty() ? null : s.getError();
    RuntimeContainer container =
        new RuntimeContainer(
            r.getId(),
            labels.get(RuntimeLabels.SANDBOX_ID),
            podRef(labels),
            labels.get(RuntimeLabels.CONTAINER_NAME),
            attempt(labels),
            state,
            parseTime(r.getCreated()),
            parseTime(s.getStartedAt()),
            state == ContainerState.EXITED ? parseTime(s.getFinishedAt()) : null,
            exitCode,
            reason,
            message,
            r.getConfig().getImage(),
            imageRef(r.getImageId()),
            labels);
    containers.put(r.getId(), new Cached<>(psState(r), container));
    return Optional.of(container);
  }

  private static ContainerState state(InspectContainerResponse.ContainerState s) {
    String status = s.getStatus() == null ? "" : s.getStatus();
    return switch (status) {
      case "created" -> ContainerState.CREATED;
      case "running", "paused", "restarting" -> ContainerState.RUNNING;
      case "exited", "dead" -> ContainerState.EXITED;
      default -> ContainerState.UNKNOWN;
    };
  }

  /** The state word {@code docker ps} reports, to tell whether a cached inspect is current. */
  private static String psState(InspectContainerResponse r) {
    return r.getState().getStatus() == null ? "" : r.getState().getStatus();
  }

  private InspectContainerResponse inspect(String id) {
    try {
      return docker.inspectContainerCmd(id).exec();
    } catch (NotFoundException e) {
      return null;
    } catch (RuntimeException e) {
      throw new RuntimeOperationException("inspect " + id + ": " + e.getMessage(), e);
    }
  }

  private List<Container> list(String type, Map<String, String> labels) {
    Map<String, String> filter = new HashMap<>(labels);
    filter.put(RuntimeLabels.NODE, nodeName);
    filter.put(RuntimeLabels.TYPE, type);
    return call(
        "list " + type,
        () -> docker.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec());
  }

  private static Set<String> ids(List<Container> found) {
    return found.stream().map(Container::getId).collect(Collectors.toSet());
  }

  // ---- streaming ----

  @Override
  public LogStream logs(String containerId, LogOptions options, LogSink sink) {
    var cmd =
        docker
            .logContainerCmd(containerId)
            .withStdOut(true)
            .withStdErr(true)
            .withFollowStream(options.follow())
            .withTimestamps(options.timestamps());
    if (options.tailLines() != null) {
      cmd.withTail(options.tailLines());
    } else {
      cmd.withTailAll();
    }
    if (options.since() != null) {
      cmd.withSince((int) Math.max(0, options.since().getEpochSecond()));
    }
    OnceSink once = new OnceSink(sink);
    ResultCallback.Adapter<Frame> callback =
        new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Frame frame) {
            once.chunk(frame.getPayload(), frame.getStreamType() == StreamType.STDERR);
          }

          @Override
          public void onError(Throwable t) {
            once.end(t);
          }

          @Override
          public void onComplete() {
            once.end(null);
          }
        };
    try {
      cmd.exec(callback);
    } catch (RuntimeException e) {
      once.end(e);
    }
    return () -> {
      try {
        callback.close();
      } catch (IOException e) {
        // closing a finished stream
      }
      once.end(null);
    };
  }

  @Override
  public ExecSession exec(String containerId, ExecConfig config, ExecIo io) {
    ExecCreateCmdResponse created =
        call(
            "exec in " + containerId,
            () ->
                docker
                    .execCreateCmd(containerId)
                    .withCmd(config.command().toArray(String[]::new))
                    .withAttachStdin(config.stdin())
                    .withAttachStdout(config.stdout())
                    .withAttachStderr(config.stderr())
                    .withTty(config.tty())
                    .exec());
    String execId = created.getId();
    ResultCallback.Adapter<Frame> callback = framesTo(io);
    var start = docker.execStartCmd(execId).withDetach(false).withTty(config.tty());
    if (config.stdin() && io.stdin() != null) {
      start.withStdIn(io.stdin());
    }
    run("start exec in " + containerId, () -> start.exec(callback));
    return new StreamSession(
        callback,
        () -> {
          Long code =
              call("inspect exec", () -> docker.inspectExecCmd(execId).exec().getExitCodeLong());
          return code == null ? null : code.intValue();
        },
        (width, height) -> docker.resizeExecCmd(execId).withSize(height, width).exec());
  }

  /**
   * Docker's attach with {@code stream=1} and no {@code logs}, as dockershim attached: only output
   * written from now on, and stdin when the container was created with it open ({@code StdinOnce}
   * then closes the process' stdin when this client's stdin ends).
   */
  @Override
  public ExecSession attach(String containerId, AttachConfig config, ExecIo io) {
    InspectContainerResponse r = inspect(containerId);
    if (r == null) {
      throw new RuntimeOperationException("container " + containerId + " not found", null, true);
    }
    if (!Boolean.TRUE.equals(r.getState().getRunning())) {
      // containerd's wording: the state the container is in.
      throw new RuntimeOperationException(
          "container is in CONTAINER_" + state(r.getState()) + " state", null);
    }
    ResultCallback.Adapter<Frame> callback = framesTo(io);
    var cmd =
        docker
            .attachContainerCmd(containerId)
            .withFollowStream(true)
            .withLogs(false)
            .withStdOut(config.stdout())
            .withStdErr(config.stderr() && !config.tty());
    if (config.stdin() && io.stdin() != null) {
      cmd.withStdIn(io.stdin());
    }
    run("attach to " + containerId, () -> cmd.exec(callback));
    return new StreamSession(
        callback,
        () -> {
          InspectContainerResponse after = inspect(containerId);
          if (after == null || Boolean.TRUE.equals(after.getState().getRunning())) {
            return 0; // detached from a container that still runs
          }
          Long code = after.getState().getExitCodeLong();
          return code == null ? null : code.intValue();
        },
        (width, height) -> docker.resizeContainerCmd(containerId).withSize(height, width).exec());
  }

  /** A callback handing Docker's multiplexed frames (or a TTY's raw ones) to {@code io}. */
  private static ResultCallback.Adapter<Frame> framesTo(ExecIo io) {
    return new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame frame) {
        if (frame.getStreamType() == StreamType.STDERR) {
          io.stderr(frame.getPayload());
        } else {
          io.stdout(frame.getPayload());
        }
      }
    };
  }

  @Override
  public ExecResult execSync(String containerId, List<String> command, Duration timeout) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExecIo io =
        new ExecIo() {
          @Override
          public java.io.InputStream stdin() {
            return null;
          }

          @Override
          public void stdout(byte[] data) {
            append(data);
          }

          @Override
          public void stderr(byte[] data) {
            append(data);
          }

          private synchronized void append(byte[] data) {
            int room = EXEC_OUTPUT_LIMIT - out.size();
            if (room > 0) {
              out.write(data, 0, Math.min(room, data.length));
            }
          }
        };
    try (ExecSession session =
        exec(containerId, new ExecConfig(command, false, true, true, false), io)) {
      Integer code = session.awaitExit(timeout);
      synchronized (io) {
        return new ExecResult(code, out.toString(java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ExecResult(null, "interrupted");
    }
  }

  @Override
  public void close() {
    if (ownsClient) {
      try {
        docker.close();
      } catch (IOException e) {
        // closing
      }
    }
  }

  // ---- helpers ----

  private Map<String, String> identity(PodRef pod, String type, int attempt) {
    Map<String, String> labels = new HashMap<>();
    labels.put(RuntimeLabels.POD_UID, pod.uid());
    labels.put(RuntimeLabels.POD_NAMESPACE, pod.namespace());
    labels.put(RuntimeLabels.POD_NAME, pod.name());
    labels.put(RuntimeLabels.TYPE, type);
    labels.put(RuntimeLabels.NODE, nodeName);
    labels.put(RuntimeLabels.ATTEMPT, Integer.toString(attempt));
    return labels;
  }

  private static PodRef podRef(Map<String, String> labels) {
    return new PodRef(
        labels.getOrDefault(RuntimeLabels.POD_UID, ""),
        labels.getOrDefault(RuntimeLabels.POD_NAMESPACE, ""),
        labels.getOrDefault(RuntimeLabels.POD_NAME, ""));
  }

  private static int attempt(Map<String, String> labels) {
    try {
      return Integer.parseInt(labels.getOrDefault(RuntimeLabels.ATTEMPT, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static String sandboxName(PodRef pod, int attempt) {
    return "k8s_POD_" + pod.name() + "_" + pod.namespace() + "_" + pod.uid() + "_" + attempt;
  }

  static String containerName(PodRef pod, String container, int attempt) {
    return "k8s_"
        + container
        + "_"
        + pod.name()
        + "_"
        + pod.namespace()
        + "_"
        + pod.uid()
        + "_"
        + attempt;
  }

  static Instant parseTime(String t) {
    if (t == null || t.isEmpty() || t.startsWith(ZERO_TIME.substring(0, 10))) {
      return null;
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static <T> T call(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeOperationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RuntimeOperationException(
          what + ": " + e.getMessage(), e, e instanceof NotFoundException);
    }
  }

  private static void run(String what, Runnable call) {
    call(
        what,
        () -> {
          call.run();
          return null;
        });
  }

  private record Cached<T>(String psState, T value) {}

  /**
   * An exec's or attach's stream: it ends when Docker's response does; {@code exitCode} is read
   * then; {@code resize} may fail once the process has exited (ignored).
   */
  private static final class StreamSession implements ExecSession {
    private final ResultCallback.Adapter<Frame> callback;
    private final Supplier<Integer> exitCode;
    private final BiConsumer<Integer, Integer> resize;

    StreamSession(
        ResultCallback.Adapter<Frame> callback,
        Supplier<Integer> exitCode,
        BiConsumer<Integer, Integer> resize) {
      this.callback = callback;
      this.exitCode = exitCode;
      this.resize = resize;
    }

    @Override
    public Integer awaitExit(Duration timeout) throws InterruptedException {
      if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return null;
      }
      return exitCode.get();
    }

    @Override
    public void resize(int width, int height) {
      try {
        resize.accept(width, height);
      } catch (RuntimeException e) {
        // the process may have exited meanwhile
      }
    }

    @Override
    public void close() {
      try {
        callback.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  /** Delivers {@link LogSink#end} once, whichever of completion, error or close comes first. */
  private static final class OnceSink {
    private final LogSink sink;
    private boolean ended;

    OnceSink(LogSink sink) {
      this.sink = sink;
    }

    synchronized void chunk(byte[] data, boolean stderr) {
      if (!ended) {
        sink.chunk(data, stderr);
      }
    }

    synchronized void end(Throwable error) {
      if (!ended) {
        ended = true;
        sink.end(error);
      }
    }
  }
}
