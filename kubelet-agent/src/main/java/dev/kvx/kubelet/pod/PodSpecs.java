package dev.kvx.kubelet.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reading a pod spec with the API server's defaults applied where a field is unset (so the agent
 * behaves the same whether or not the server defaulted the pod).
 */
public final class PodSpecs {
  public static final String ALWAYS = "Always";
  public static final String ON_FAILURE = "OnFailure";
  public static final String NEVER = "Never";
  public static final long DEFAULT_GRACE_SECONDS = 30;
  public static final String DEFAULT_TERMINATION_MESSAGE_PATH = "/dev/termination-log";

  private PodSpecs() {}

  public static String uid(Pod pod) {
    return pod.getMetadata().getUid();
  }

  public static String restartPolicy(Pod pod) {
    String p = spec(pod).getRestartPolicy();
    return p == null || p.isEmpty() ? ALWAYS : p;
  }

  public static long terminationGracePeriodSeconds(Pod pod) {
    Long g = spec(pod).getTerminationGracePeriodSeconds();
    return g == null ? DEFAULT_GRACE_SECONDS : g;
  }

  /** The grace period of a deletion in progress, else the spec's. */
  public static long deletionGracePeriodSeconds(Pod pod) {
    Long g = pod.getMetadata().getDeletionGracePeriodSeconds();
    return g != null ? g : terminationGracePeriodSeconds(pod);
  }

  public static List<Container> initContainers(Pod pod) {
    List<Container> c = spec(pod).getInitContainers();
    return c == null ? List.of() : c;
  }

  public static List<Container> containers(Pod pod) {
    List<Container> c = spec(pod).getContainers();
    return c == null ? List.of() : c;
  }

  /** Init and app containers, init first. */
  public static List<Container> allContainers(Pod pod) {
    List<Container> all = new ArrayList<>(initContainers(pod));
    all.addAll(containers(pod));
    return all;
  }

  public static Optional<Container> container(Pod pod, String name) {
    return allContainers(pod).stream().filter(c -> name.equals(c.getName())).findFirst();
  }

  public static boolean isInit(Pod pod, String name) {
    return initContainers(pod).stream().anyMatch(c -> name.equals(c.getName()));
  }

  public static boolean hostNetwork(Pod pod) {
    return Boolean.TRUE.equals(spec(pod).getHostNetwork());
  }

  /** The pod's host name: {@code spec.hostname}, else its name (at most 63 characters). */
  public static String hostname(Pod pod) {
    String h = spec(pod).getHostname();
    if (h == null || h.isEmpty()) {
      h = pod.getMetadata().getName();
    }
    return h.length() > 63 ? h.substring(0, 63).replaceAll("[-.]+$", "") : h;
  }

  public static boolean isTerminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  /** The pull policy, defaulted as the API server does: Always for {@code :latest} or no tag. */
  public static String imagePullPolicy(Container c) {
    String p = c.getImagePullPolicy();
    if (p != null && !p.isEmpty()) {
      return p;
    }
    String image = c.getImage() == null ? "" : c.getImage();
    if (image.contains("@")) {
      return "IfNotPresent";
    }
    String last = image.substring(image.lastIndexOf('/') + 1);
    int colon = last.indexOf(':');
    return colon < 0 || last.substring(colon + 1).equals("latest") ? ALWAYS : "IfNotPresent";
  }

  public static String terminationMessagePath(Container c) {
    String p = c.getTerminationMessagePath();
    return p == null || p.isEmpty() ? DEFAULT_TERMINATION_MESSAGE_PATH : p;
  }

  /**
   * A hash of the parts of a container spec that can change on a running pod (the image): a running
   * container whose hash differs is replaced, as the kubelet does on an image update.
   */
  public static String hash(Container c) {
    return Integer.toHexString(Objects.hash(c.getName(), c.getImage()));
  }

  /** {@code name_namespace(uid)}, as kubelet messages name a pod. */
  public static String describe(Pod pod) {
    return pod.getMetadata().getName()
        + "_"
        + pod.getMetadata().getNamespace()
        + "("
        + uid(pod)
        + ")";
  }

  // ---- probe defaults ----

  public static int periodSeconds(Probe p) {
    return positive(p.getPeriodSeconds(), 10);
  }

  public static int timeoutSeconds(Probe p) {
    return positive(p.getTimeoutSeconds(), 1);
  }

  public static int successThreshold(Probe p) {
    return positive(p.getSuccessThreshold(), 1);
  }

  public static int failureThreshold(Probe p) {
    return positive(p.getFailureThreshold(), 3);
  }

  public static int initialDelaySeconds(Probe p) {
    Integer v = p.getInitialDelaySeconds();
    return v == null || v < 0 ? 0 : v;
  }

  private static int positive(Integer v, int dflt) {
    return v == null || v <= 0 ? dflt : v;
  }

  private static PodSpec spec(Pod pod) {
    return pod.getSpec() == null ? new PodSpec() : pod.getSpec();
  }
}
