package dev.kvx.kubelet.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The values behind {@code fieldRef} and {@code resourceFieldRef} (env and downwardAPI volumes), as
 * the kubelet resolves them.
 */
public final class FieldRefs {
  private FieldRefs() {}

  /**
   * The value of {@code fieldPath} for {@code pod}; {@code podIp} may be null before the sandbox
   * exists. Throws IllegalArgumentException for an unsupported path.
   */
  public static String field(Pod pod, String fieldPath, String podIp, PodContext ctx) {
    var meta = pod.getMetadata();
    switch (fieldPath) {
      case "metadata.name":
        return meta.getName();
      case "metadata.namespace":
        return meta.getNamespace();
      case "metadata.uid":
        return meta.getUid();
      case "metadata.labels":
        return formatMap(meta.getLabels());
      case "metadata.annotations":
        return formatMap(meta.getAnnotations());
      case "spec.nodeName":
        return pod.getSpec().getNodeName() != null ? pod.getSpec().getNodeName() : ctx.nodeName();
      case "spec.serviceAccountName":
        return pod.getSpec().getServiceAccountName() == null
            ? ""
            : pod.getSpec().getServiceAccountName();
      case "status.hostIP":
      case "status.hostIPs":
        return ctx.hostIp();
      case "status.podIP":
      case "status.podIPs":
        return podIp == null ? "" : podIp;
      default:
        break;
    }
    String subscript = subscript(fieldPath, "metadata.labels");
    if (subscript != null) {
      return meta.getLabels() == null ? "" : meta.getLabels().getOrDefault(subscript, "");
    }
    subscript = subscript(fieldPath, "metadata.annotations");
    if (subscript != null) {
      return meta.getAnnotations() == null ? "" : meta.getAnnotations().getOrDefault(subscript, "");
    }
    throw new IllegalArgumentException("unsupported fieldPath: " + fieldPath);
  }

  private static String subscript(String path, String prefix) {
    if (path.startsWith(prefix + "['") && path.endsWith("']")) {
      return path.substring(prefix.length() + 2, path.length() - 2);
    }
    return null;
  }

  /** {@code key="value"} lines sorted by key, as the downward API renders maps. */
  static String formatMap(Map<String, String> m) {
    if (m == null || m.isEmpty()) {
      return "";
    }
    return new TreeMap<>(m)
        .entrySet().stream()
            .map(
                e ->
                    e.getKey()
                        + "=\""
                        + e.getValue()
                            .replace("\\", "\\\\")
                            .replace("\"", "\\\"")
                            .replace("\n", "\\n")
                        + "\"")
            .collect(Collectors.joining("\n"));
  }

  /**
   * A {@code resourceFieldRef} value: the container's limit or request divided by the divisor and
   * rounded up; an unset limit is the node's allocatable, an unset request 0.
   */
  public static String resource(Container c, ResourceFieldSelector ref, PodContext ctx) {
    String resource = ref.getResource();
    boolean limit = resource.startsWith("limits.");
    String name = resource.substring(resource.indexOf('.') + 1);
    Map<String, Quantity> values =
        c.getResources() == null
            ? null
            : limit ? c.getResources().getLimits() : c.getResources().getRequests();
    Quantity q = values == null ? null : values.get(name);
    if (q == null && !limit && c.getResources() != null && c.getResources().getLimits() != null) {
      q = c.getResources().getLimits().get(name); // requests default to limits
    }
    BigDecimal amount;
    if (q != null) {
      amount = Quantity.getAmountInBytes(q);
    } else if (limit && ctx.allocatable().containsKey(name)) {
      amount = Quantity.getAmountInBytes(new Quantity(ctx.allocatable().get(name)));
    } else {
      amount = BigDecimal.ZERO;
    }
    Quantity divisorQ = ref.getDivisor();
    BigDecimal divisor =
        divisorQ == null || divisorQ.getAmount() == null || divisorQ.getAmount().isEmpty()
            ? BigDecimal.ONE
            : Quantity.getAmountInBytes(divisorQ);
    if (divisor.signum() == 0) {
      divisor = BigDecimal.ONE;
    }
    return amount.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
  }
}
