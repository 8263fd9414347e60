package dev.kvx.kubelet.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** A pod's QoS class (pkg/apis/core/v1/helper/qos): Guaranteed, Burstable or BestEffort. */
public final class QosClasses {
  private static final List<String> SUPPORTED = List.of("cpu", "memory");

  private QosClasses() {}

  public static String of(Pod pod) {
    boolean any = false;
    boolean guaranteed = true;
    for (Container c : PodSpecs.allContainers(pod)) {
      Map<String, Quantity> limits = c.getResources() == null ? null : c.getResources().getLimits();
      Map<String, Quantity> requests =
          c.getResources() == null ? null : c.getResources().getRequests();
      for (String r : SUPPORTED) {
        Quantity limit = limits == null ? null : limits.get(r);
        Quantity request = requests == null ? null : requests.get(r);
        if (request == null) {
          request = limit; // requests default to limits
        }
        if (nonZero(limit) || nonZero(request)) {
          any = true;
        }
        if (!nonZero(limit) || request == null || amount(request).compareTo(amount(limit)) != 0) {
          guaranteed = false;
        }
      }
    }
    if (!any) {
      return "BestEffort";
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }

  private static boolean nonZero(Quantity q) {
    return q != null && amount(q).signum() != 0;
  }

  private static BigDecimal amount(Quantity q) {
    return Quantity.getAmountInBytes(q);
  }
}
