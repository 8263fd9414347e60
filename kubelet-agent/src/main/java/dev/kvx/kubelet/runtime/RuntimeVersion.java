package dev.kvx.kubelet.runtime;

/**
 * A runtime's name and version; {@link #toString()} gives the node's {@code
 * nodeInfo.containerRuntimeVersion} ({@code docker://20.10.24}).
 */
public record RuntimeVersion(String name, String version) {
  @Override
  public String toString() {
    return name + "://" + version;
  }
}
