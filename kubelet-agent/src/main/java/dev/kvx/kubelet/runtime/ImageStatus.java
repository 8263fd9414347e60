package dev.kvx.kubelet.runtime;

import java.util.List;

/**
 * A local image: its id ({@code sha256:…}) and repo digests ({@code busybox@sha256:…}, none for an
 * image built locally).
 */
public record ImageStatus(String id, List<String> repoDigests) {
  public ImageStatus {
    repoDigests = repoDigests == null ? List.of() : List.copyOf(repoDigests);
  }

  /**
   * The {@code imageID} a container status shows, as cri-dockerd reports it: {@code
   * docker-pullable://repo@sha256:…} when the image came from a registry, else {@code
   * docker://sha256:…}.
   */
  public String imageRef() {
    return repoDigests.isEmpty() ? "docker://" + id : "docker-pullable://" + repoDigests.get(0);
  }
}
