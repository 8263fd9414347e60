package dev.kvx.scheduler.framework;

/**
 * What a PostFilter plugin achieved: a status (success if the pod can be scheduled after its
 * action) and, optionally, the node it nominates the pod to ({@code ""} clears an earlier
 * nomination, null leaves it).
 */
public record PostFilterResult(Status status, String nominatedNodeName) {

  public static PostFilterResult of(Status status) {
    return new PostFilterResult(status, null);
  }
}
