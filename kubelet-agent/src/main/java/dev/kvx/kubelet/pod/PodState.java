package dev.kvx.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the agent remembers about one pod between syncs. Only the pod's own worker touches it (syncs
 * of one pod never overlap), so it needs no locking.
 */
final class PodState {
  /** Why a container is not running: its status' waiting reason and message. */
  record Waiting(String reason, String message) {}

  final String uid;

  /** When this agent first saw the pod (kubelet_pod_start_duration_seconds counts from here). */
  Instant firstSeen;

  /** The last version of the pod seen, to finish it off after it left the API. */
  Pod lastKnown;

  final Map<String, Waiting> waiting = new HashMap<>();

  /** Container instances whose postStart hook has run. */
  final Set<String> postStartDone = new HashSet<>();

  /** Time spent pulling images, excluded from the start SLI. */
  Duration pulling = Duration.ZERO;

  boolean startRecorded;

  /** When the volumes were last set up (they are refreshed once per resync period). */
  Instant volumesSetUpAt;

  Map<String, java.nio.file.Path> volumePaths = Map.of();

  /** The status last sent, to skip identical writes. */
  Map<?, ?> lastSentStatus;

  /** Containers and sandbox of a terminal pod have been stopped. */
  boolean terminalCleanupDone;

  PodState(String uid) {
    this.uid = uid;
  }
}
