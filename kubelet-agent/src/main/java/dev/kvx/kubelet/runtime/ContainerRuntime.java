package dev.kvx.kubelet.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The container runtime one node agent drives: the part of CRI's RuntimeService and ImageService
 * kvx uses. A pod is a sandbox (it owns the pod's network namespace and IP) plus containers joined
 * to it.
 *
 * <p>Contract: every method blocks (a Docker round trip) — call them from pod workers or other
 * dedicated threads, never from an event loop. Implementations are thread-safe. One instance serves
 * one node: it labels what it creates with the node's name and its listings return only that node's
 * sandboxes and containers, so several agents can share one engine. Identity (pod UID, namespace,
 * name, container name, attempt) is recorded on the objects themselves, so an agent that restarts
 * rebuilds its state by listing. Failures throw {@link RuntimeOperationException} (or its
 * subclasses).
 */
public interface ContainerRuntime extends AutoCloseable {

  /** The runtime's name and version, e.g. {@code docker} {@code 20.10.24}. */
  RuntimeVersion version();

  /** Throws when the runtime does not answer (the node then reports NotReady). */
  void ping();

  // ---- images ----

  /** The image if it is present locally. */
  Optional<ImageStatus> imageStatus(String image);

  /** Pulls {@code image}; throws {@link ImagePullException} when it cannot. */
  ImageStatus pullImage(String image);

  // ---- sandboxes ----

  /** Creates the pod's sandbox (not started); returns its id. */
  String createSandbox(SandboxConfig config);

  /** Starts a created sandbox: the pod gets its network namespace and IP. */
  void startSandbox(String sandboxId);

  /** Stops the sandbox at once (it runs no user code). Idempotent. */
  void stopSandbox(String sandboxId);

  /** Removes a stopped sandbox. Idempotent: a missing sandbox is not an error. */
  void removeSandbox(String sandboxId);

  /** The node's sandboxes carrying all {@code labels} (empty: all of the node's sandboxes). */
  List<RuntimeSandbox> listSandboxes(Map<String, String> labels);

  Optional<RuntimeSandbox> sandboxStatus(String sandboxId);

  // ---- containers ----

  /** Creates a container in the sandbox's namespaces (not started); returns its id. */
  String createContainer(String sandboxId, ContainerConfig config);

  /** Starts a created container. Starting one already running is a no-op. */
  void startContainer(String containerId);

  /**
   * Stops the container: SIGTERM, then SIGKILL once {@code gracePeriod} has passed. Blocks until it
   * has exited. Idempotent.
   */
  void stopContainer(String containerId, Duration gracePeriod);

  /** Sends {@code signal} (e.g. {@code SIGKILL}) to the container's main process. */
  void killContainer(String containerId, String signal);

  /** Removes an exited container. Idempotent. */
  void removeContainer(String containerId);

  /** The node's containers carrying all {@code labels} (empty: all of the node's containers). */
  List<RuntimeContainer> listContainers(Map<String, String> labels);

  Optional<RuntimeContainer> containerStatus(String containerId);

  // ---- streaming ----

  /**
   * Streams the container's log to {@code sink} on a runtime thread and returns at once; closing
   * the handle stops a followed stream.
   */
  LogStream logs(String containerId, LogOptions options, LogSink sink);

  /** Starts {@code command} in the running container, wired to {@code io}. */
  ExecSession exec(String containerId, ExecConfig config, ExecIo io);

  /**
   * Attaches {@code io} to the running container's main process (CRI's {@code Attach}): output
   * written from now on goes to {@code io} (nothing written before), {@code io.stdin()} feeds the
   * process' stdin when the container keeps it open. The session's {@link ExecSession#awaitExit}
   * returns once the stream ended (the container exited or {@code close} detached); {@code close}
   * never stops the container. Throws when the container does not run.
   */
  ExecSession attach(String containerId, AttachConfig config, ExecIo io);

  /** Runs {@code command} to completion (probes, hooks) and returns its exit code and output. */
  ExecResult execSync(String containerId, List<String> command, Duration timeout);

  @Override
  void close();
}
