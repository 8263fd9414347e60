package dev.kvx.kubelet.pod;

import dev.kvx.kubelet.runtime.ContainerConfig;
import dev.kvx.kubelet.runtime.PodRef;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a container of the pod spec into what the runtime needs (the kubelet's
 * generateContainerConfig): the environment resolved and {@code $(VAR)} references expanded in
 * command and args, volume mounts as host paths, limits as cgroup values, the security context's
 * user and privileges, and the termination message file.
 */
public final class ContainerConfigFactory {
  /** CPU shares of a container without a CPU request, as the kubelet gives BestEffort pods. */
  static final long MIN_SHARES = 2;

  private final EnvResolver env;

  public ContainerConfigFactory(EnvResolver env) {
    this.env = env;
  }

  /**
   * The runtime config of {@code c}'s instance {@code attempt}. Blocking (reads ConfigMaps and
   * Secrets).
   *
   * @param volumes volume name to host path, from the volume manager; null: no mounts (simulated)
   * @param terminationMessageFile the host file bind-mounted at the termination message path
   */
  public ContainerConfig build(
      Pod pod,
      Container c,
      int attempt,
      boolean init,
      Map<String, Path> volumes,
      Path terminationMessageFile,
      String podIp,
      PodContext ctx)
      throws ContainerStartException {
    Map<String, String> vars = env.resolve(pod, c, podIp, ctx);
    List<String> envList = new ArrayList<>();
    vars.forEach((k, v) -> envList.add(k + "=" + v));
    List<String> entrypoint = expand(c.getCommand(), vars);
    List<String> cmd = expand(c.getArgs(), vars);
    List<ContainerConfig.Mount> mounts = mounts(c, volumes);
    if (terminationMessageFile != null) {
      mounts.add(
          new ContainerConfig.Mount(
              terminationMessageFile.toString(), PodSpecs.terminationMessagePath(c), false));
    }
    Map<String, String> labels =
        terminationMessageFile == null
            ? Map.of(RuntimeLabels.CONTAINER_HASH, PodSpecs.hash(c))
            : Map.of(
                RuntimeLabels.CONTAINER_HASH, PodSpecs.hash(c),
                RuntimeLabels.TERMINATION_MESSAGE_FILE, terminationMessageFile.toString());
    return new ContainerConfig(
        new PodRef(
            PodSpecs.uid(pod), pod.getMetadata().getNamespace(), pod.getMetadata().getName()),
        c.getName(),
        attempt,
        c.getImage(),
        entrypoint,
        cmd,
        c.getWorkingDir(),
        envList,
        mounts,
        resources(c),
        security(pod, c),
        Boolean.TRUE.equals(c.getTty()),
        Boolean.TRUE.equals(c.getStdin()),
        Boolean.TRUE.equals(c.getStdinOnce()),
        init,
        labels);
  }

  private static List<String> expand(List<String> values, Map<String, String> vars) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    return values.stream().map(v -> Expansion.expand(v, vars)).toList();
  }

  private static List<ContainerConfig.Mount> mounts(Container c, Map<String, Path> volumes)
      throws ContainerStartException {
    List<ContainerConfig.Mount> mounts = new ArrayList<>();
    if (c.getVolumeMounts() == null || volumes == null) {
      return mounts;
    }
    for (VolumeMount m : c.getVolumeMounts()) {
      Path host = volumes.get(m.getName());
      if (host == null) {
        throw new ContainerStartException(
            "CreateContainerConfigError",
            "cannot find volume \""
                + m.getName()
                + "\" to mount into container \""
                + c.getName()
                + "\"");
      }
      if (m.getSubPath() != null && !m.getSubPath().isEmpty()) {
        Path sub = host.resolve(m.getSubPath()).normalize();
        if (!sub.startsWith(host)) {
          throw new ContainerStartException(
              "CreateContainerConfigError", "invalid subPath " + m.getSubPath());
        }
        if (!Files.exists(sub)) {
          try {
            Files.createDirectories(sub);
          } catch (IOException e) {
            throw new ContainerStartException(
                "CreateContainerConfigError",
                "failed to create subPath directory: " + e.getMessage());
          }
        }
        host = sub;
      }
      mounts.add(
          new ContainerConfig.Mount(
              host.toString(), m.getMountPath(), Boolean.TRUE.equals(m.getReadOnly())));
    }
    return mounts;
  }

  /** Memory limit in bytes; CPU limit as quota per 100 ms; CPU request as shares. */
  static ContainerConfig.Resources resources(Container c) {
    Map<String, Quantity> limits = c.getResources() == null ? null : c.getResources().getLimits();
    Map<String, Quantity> requests =
        c.getResources() == null ? null : c.getResources().getRequests();
    long memory = bytes(limits, "memory");
    long cpuLimitMilli = milli(limits, "cpu");
    long cpuRequestMilli = milli(requests, "cpu");
    if (cpuRequestMilli == 0) {
      cpuRequestMilli = cpuLimitMilli; // requests default to limits
    }
    long quota =
        cpuLimitMilli == 0
            ? 0
            : Math.max(1000, cpuLimitMilli * ContainerConfig.Resources.CPU_PERIOD / 1000);
    long shares =
        cpuRequestMilli == 0 ? MIN_SHARES : Math.max(MIN_SHARES, cpuRequestMilli * 1024 / 1000);
    return new ContainerConfig.Resources(memory, quota, shares);
  }

  private static long bytes(Map<String, Quantity> m, String name) {
    if (m == null || m.get(name) == null) {
      return 0;
    }
    return Quantity.getAmountInBytes(m.get(name)).longValue();
  }

  private static long milli(Map<String, Quantity> m, String name) {
    if (m == null || m.get(name) == null) {
      return 0;
    }
    return Quantity.getAmountInBytes(m.get(name)).multiply(BigDecimal.valueOf(1000)).longValue();
  }

  static ContainerConfig.Security security(Pod pod, Container c) {
    SecurityContext sc = c.getSecurityContext();
    PodSecurityContext psc = pod.getSpec().getSecurityContext();
    Long uid =
        sc != null && sc.getRunAsUser() != null
            ? sc.getRunAsUser()
            : psc == null ? null : psc.getRunAsUser();
    Long gid =
        sc != null && sc.getRunAsGroup() != null
            ? sc.getRunAsGroup()
            : psc == null ? null : psc.getRunAsGroup();
    String user = uid == null ? null : gid == null ? uid.toString() : uid + ":" + gid;
    boolean privileged = sc != null && Boolean.TRUE.equals(sc.getPrivileged());
    boolean readOnly = sc != null && Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem());
    Capabilities caps = sc == null ? null : sc.getCapabilities();
    return new ContainerConfig.Security(
        user,
        privileged,
        readOnly,
        caps == null ? List.of() : caps.getAdd(),
        caps == null ? List.of() : caps.getDrop());
  }
}
