package dev.kvx.scheduler.framework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * No node fits the pod (upstream {@code framework.FitError}). Its message is what users see in the
 * PodScheduled condition and the FailedScheduling event, built exactly as upstream's: {@code 0/3
 * nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}. preemption: …}.
 */
public final class FitError extends Exception {
  public static final String NO_NODE_AVAILABLE_MSG = "0/%d nodes are available";

  private final transient PodInfo pod;
  private final int numAllNodes;
  private final transient Diagnosis diagnosis;

  public FitError(PodInfo pod, int numAllNodes, Diagnosis diagnosis) {
    super(null, null, false, false);
    this.pod = pod;
    this.numAllNodes = numAllNodes;
    this.diagnosis = diagnosis;
  }

  public PodInfo pod() {
    return pod;
  }

  public int numAllNodes() {
    return numAllNodes;
  }

  public Diagnosis diagnosis() {
    return diagnosis;
  }

  @Override
  public String getMessage() {
    StringBuilder msg =
        new StringBuilder(String.format(NO_NODE_AVAILABLE_MSG, numAllNodes)).append(':');
    String preFilterMsg = diagnosis.preFilterMsg();
    if (!preFilterMsg.isEmpty()) {
      // A PreFilter rejection applies to every node: the per-node statuses would only repeat it.
      msg.append(' ').append(preFilterMsg).append('.');
    } else {
      List<String> histogram = reasonHistogram(diagnosis.nodeToStatus(), numAllNodes);
      if (!histogram.isEmpty()) {
        msg.append(' ').append(String.join(", ", histogram)).append('.');
      }
    }
    String postFilterMsg = diagnosis.postFilterMsg();
    if (!postFilterMsg.isEmpty()) {
      msg.append(' ').append(postFilterMsg).append('.');
    }
    return msg.toString();
  }

  /**
   * "N reason" strings counted over the nodes, sorted as strings (as upstream sorts them). Nodes
   * without an entry count with the absent-nodes status's reasons.
   */
  static List<String> reasonHistogram(NodeToStatus statuses, int numAllNodes) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Status s : statuses.entries().values()) {
      for (String reason : s.reasons()) {
        counts.merge(reason, 1, Integer::sum);
      }
    }
    int absent = numAllNodes - statuses.size();
    if (absent > 0) {
      for (String reason : statuses.absentNodesStatus().reasons()) {
        counts.merge(reason, absent, Integer::sum);
      }
    }
    List<String> out = new ArrayList<>(counts.size());
    counts.forEach((reason, n) -> out.add(n + " " + reason));
    Collections.sort(out);
    return out;
  }
}
