package dev.kvx.scheduler.framework;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Why each node was rejected in a cycle (upstream {@code NodeToStatus}). Nodes without an entry
 * have the "absent" status: UnschedulableAndUnresolvable by default, or a PreFilter's rejection
 * that applied to every node. Not thread-safe.
 */
public final class NodeToStatus {
  private final Map<String, Status> statuses = new HashMap<>();
  private Status absentNodesStatus = Status.unschedulableAndUnresolvable();

  public void set(String nodeName, Status status) {
    statuses.put(nodeName, status);
  }

  /** The status of {@code nodeName}: its entry, or the absent status. */
  public Status get(String nodeName) {
    return statuses.getOrDefault(nodeName, absentNodesStatus);
  }

  public void setAbsentNodesStatus(Status status) {
    this.absentNodesStatus = status;
  }

  public Status absentNodesStatus() {
    return absentNodesStatus;
  }

  /** The explicit entries. */
  public Map<String, Status> entries() {
    return Collections.unmodifiableMap(statuses);
  }

  public int size() {
    return statuses.size();
  }
}
