package dev.kvx.kubelet.runtime;

/**
 * The outcome of {@link ContainerRuntime#execSync}: exit code (null on timeout) and the combined
 * output.
 */
public record ExecResult(Integer exitCode, String output) {
  public boolean timedOut() {
    return exitCode == null;
  }
}
