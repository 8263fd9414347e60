package dev.kvx.kubelet.runtime;

import java.util.List;
import java.util.Map;

/**
 * What one container needs (CRI's {@code ContainerConfig}, cut down), already resolved by the
 * agent: references expanded, volumes materialised on the node.
 *
 * @param pod the owning pod
 * @param name the container's name in the pod spec
 * @param attempt 0 for the first instance, then the restart count
 * @param image the image reference as the pod spec gives it
 * @param entrypoint the pod's {@code command} (null: the image's entrypoint)
 * @param cmd the pod's {@code args} (null: the image's command unless an entrypoint is given)
 * @param workingDir null: the image's
 * @param env {@code NAME=value} pairs
 * @param mounts host paths bind-mounted into the container
 * @param resources cgroup limits
 * @param security user and privileges
 * @param tty allocate a terminal
 * @param stdin keep stdin open
 * @param stdinOnce close stdin once the first attached client's stdin ended (with {@code stdin})
 * @param init an init container (it is expected to complete)
 * @param labels extra labels recorded on the container (e.g. the spec hash)
 */
public record ContainerConfig(
    PodRef pod,
    String name,
    int attempt,
    String image,
    List<String> entrypoint,
    List<String> cmd,
    String workingDir,
    List<String> env,
    List<Mount> mounts,
    Resources resources,
    Security security,
    boolean tty,
    boolean stdin,
    boolean stdinOnce,
    boolean init,
    Map<String, String> labels) {

  public ContainerConfig {
    entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
    cmd = cmd == null ? null : List.copyOf(cmd);
    env = env == null ? List.of() : List.copyOf(env);
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
    resources = resources == null ? Resources.NONE : resources;
    security = security == null ? Security.NONE : security;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** A bind mount of {@code hostPath} at {@code containerPath}. */
  public record Mount(String hostPath, String containerPath, boolean readOnly) {}

  /**
   * Limits as the kubelet maps them on cgroup v1: memory limit in bytes, CPU quota in microseconds
   * per 100 ms period (from {@code limits.cpu}), CPU shares (from {@code requests.cpu}); 0 = unset.
   */
  public record Resources(long memoryLimitBytes, long cpuQuota, long cpuShares) {
    public static final Resources NONE = new Resources(0, 0, 0);
    public static final long CPU_PERIOD = 100_000;
  }

  /**
   * The parts of a container's securityContext the runtime applies.
   *
   * @param user {@code uid} or {@code uid:gid}, null for the image's
   */
  public record Security(
      String user,
      boolean privileged,
      boolean readOnlyRootFilesystem,
      List<String> capAdd,
      List<String> capDrop) {
    public static final Security NONE = new Security(null, false, false, List.of(), List.of());

    public Security {
      capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
      capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
    }
  }
}
