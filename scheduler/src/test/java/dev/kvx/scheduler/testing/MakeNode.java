package dev.kvx.scheduler.testing;

import io.fabric8.kubernetes.api.model.ContainerImageBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/** A tiny node builder for tests, like upstream's {@code st.MakeNode()}. */
public final class MakeNode {
  private final NodeBuilder b = new NodeBuilder();
  private final Map<String, String> labels = new LinkedHashMap<>();
  private final Map<String, String> capacity = new LinkedHashMap<>();

  private MakeNode(String name) {
    b.withNewMetadata()
        .withName(name)
        .withUid(name + "-uid")
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .withNewStatus()
        .endStatus();
    labels.put("kubernetes.io/hostname", name);
    capacity.put("pods", "110");
  }

  public static MakeNode node(String name) {
    return new MakeNode(name);
  }

  public MakeNode label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  /** Allocatable amounts, e.g. {@code capacity("cpu", "4", "memory", "8Gi")}. */
  public MakeNode capacity(String... kv) {
    for (int i = 0; i + 1 < kv.length; i += 2) {
      capacity.put(kv[i], kv[i + 1]);
    }
    return this;
  }

  public MakeNode taint(String key, String value, String effect) {
    b.editSpec()
        .addToTaints(new TaintBuilder().withKey(key).withValue(value).withEffect(effect).build())
        .endSpec();
    return this;
  }

  public MakeNode unschedulable() {
    b.editSpec().withUnschedulable(true).endSpec();
    return this;
  }

  public MakeNode image(long sizeBytes, String... names) {
    b.editStatus()
        .addToImages(new ContainerImageBuilder().withNames(names).withSizeBytes(sizeBytes).build())
        .endStatus();
    return this;
  }

  public Node obj() {
    Node n = b.build();
    n.getMetadata().setLabels(new LinkedHashMap<>(labels));
    n.getStatus().setAllocatable(MakePod.quantities(flatten(capacity)));
    n.getStatus().setCapacity(MakePod.quantities(flatten(capacity)));
    return n;
  }

  private static String[] flatten(Map<String, String> m) {
    String[] out = new String[m.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : m.entrySet()) {
      out[i++] = e.getKey();
      out[i++] = e.getValue();
    }
    return out;
  }
}
