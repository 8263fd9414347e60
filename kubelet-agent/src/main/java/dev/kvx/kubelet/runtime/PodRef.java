package dev.kvx.kubelet.runtime;

import java.util.Objects;

/** The identity of a pod as the runtime records it on its sandbox and containers. */
public record PodRef(String uid, String namespace, String name) {
  public PodRef {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return namespace + "/" + name + " (" + uid + ")";
  }
}
