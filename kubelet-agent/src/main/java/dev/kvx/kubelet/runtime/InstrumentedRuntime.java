package dev.kvx.kubelet.runtime;

import dev.kvx.kubelet.metrics.KubeletMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Counts every runtime call in {@code kubelet_runtime_operations_total}, its failures in {@code
 * kubelet_runtime_operations_errors_total} and its latency in {@code
 * kubelet_runtime_operations_duration_seconds}, labelled {@code operation_type} with the kubelet's
 * names for the CRI calls ({@code create_container}, {@code run_podsandbox}, …).
 */
public final class InstrumentedRuntime implements ContainerRuntime {
  private final ContainerRuntime delegate;
  private final KubeletMetrics metrics;

  public InstrumentedRuntime(ContainerRuntime delegate, KubeletMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  /** The runtime this one wraps. */
  public ContainerRuntime delegate() {
    return delegate;
  }

  private <T> T record(String operation, Supplier<T> call) {
    long start = System.nanoTime();
    try {
      return call.get();
    } catch (RuntimeException e) {
      metrics.runtimeOperationError(operation);
      throw e;
    } finally {
      metrics.runtimeOperation(operation, System.nanoTime() - start);
    }
  }

  private void run(String operation, Runnable call) {
    record(
        operation,
        () -> {
          call.run();
          return null;
        });
  }

  @Override
  public RuntimeVersion version() {
    return record("version", delegate::version);
  }

  @Override
  public void ping() {
    run("status", delegate::ping);
  }

  @Override
  public Optional<ImageStatus> imageStatus(String image) {
    return record("image_status", () -> delegate.imageStatus(image));
  }

  @Override
  public ImageStatus pullImage(String image) {
    return record("pull_image", () -> delegate.pullImage(image));
  }

  @Override
  public String createSandbox(SandboxConfig config) {
    return record("run_podsandbox", () -> delegate.createSandbox(config));
  }

  @Override
  public void startSandbox(String sandboxId) {
    run("start_podsandbox", () -> delegate.startSandbox(sandboxId));
  }

  @Override
  public void stopSandbox(String sandboxId) {
    run("stop_podsandbox", () -> delegate.stopSandbox(sandboxId));
  }

  @Override
  public void removeSandbox(String sandboxId) {
    run("remove_podsandbox", () -> delegate.removeSandbox(sandboxId));
  }

  @Override
  public List<RuntimeSandbox> listSandboxes(Map<String, String> labels) {
    return record("list_podsandbox", () -> delegate.listSandboxes(labels));
  }

  @Override
  public Optional<RuntimeSandbox> sandboxStatus(String sandboxId) {
    return record("podsandbox_status", () -> delegate.sandboxStatus(sandboxId));
  }

  @Override
  public String createContainer(String sandboxId, ContainerConfig config) {
    return record("create_container", () -> delegate.createContainer(sandboxId, config));
  }

  @Override
  public void startContainer(String containerId) {
    run("start_container", () -> delegate.startContainer(containerId));
  }

  @Override
  public void stopContainer(String containerId, Duration gracePeriod) {
    run("stop_container", () -> delegate.stopContainer(containerId, gracePeriod));
  }

  @Override
  public void killContainer(String containerId, String signal) {
    run("kill_container", () -> delegate.killContainer(containerId, signal));
  }

  @Override
  public void removeContainer(String containerId) {
    run("remove_container", () -> delegate.removeContainer(containerId));
  }

  @Override
  public List<RuntimeContainer> listContainers(Map<String, String> labels) {
    return record("list_containers", () -> delegate.listContainers(labels));
  }

  @Override
  public Optional<RuntimeContainer> containerStatus(String containerId) {
    return record("container_status", () -> delegate.containerStatus(containerId));
  }

  @Override
  public LogStream logs(String containerId, LogOptions options, LogSink sink) {
    return record("logs", () -> delegate.logs(containerId, options, sink));
  }

  @Override
  public ExecSession exec(String containerId, ExecConfig config, ExecIo io) {
    return record("exec", () -> delegate.exec(containerId, config, io));
  }

  @Override
  public ExecSession attach(String containerId, AttachConfig config, ExecIo io) {
    return record("attach", () -> delegate.attach(containerId, config, io));
  }

  @Override
  public ExecResult execSync(String containerId, List<String> command, Duration timeout) {
    return record("exec_sync", () -> delegate.execSync(containerId, command, timeout));
  }

  @Override
  public void close() {
    delegate.close();
  }
}
