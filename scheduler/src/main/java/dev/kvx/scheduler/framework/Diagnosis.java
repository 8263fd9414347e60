package dev.kvx.scheduler.framework;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a failed cycle found (upstream {@code framework.Diagnosis}): each node's status, the plugins
 * that rejected the pod (which decide the cluster events that requeue it), and the PreFilter and
 * PostFilter messages.
 */
public final class Diagnosis {
  private final NodeToStatus nodeToStatus = new NodeToStatus();
  private final Set<String> unschedulablePlugins = new LinkedHashSet<>();
  private String preFilterMsg = "";
  private String postFilterMsg = "";

  public NodeToStatus nodeToStatus() {
    return nodeToStatus;
  }

  public Set<String> unschedulablePlugins() {
    return unschedulablePlugins;
  }

  public String preFilterMsg() {
    return preFilterMsg;
  }

  public void setPreFilterMsg(String msg) {
    this.preFilterMsg = msg == null ? "" : msg;
  }

  public String postFilterMsg() {
    return postFilterMsg;
  }

  public void setPostFilterMsg(String msg) {
    this.postFilterMsg = msg == null ? "" : msg;
  }
}
