package dev.kvx.apiserver.table;

import static dev.kvx.apiserver.table.Obj.at;
import static dev.kvx.apiserver.table.Obj.has;
import static dev.kvx.apiserver.table.Obj.list;
import static dev.kvx.apiserver.table.Obj.num;
import static dev.kvx.apiserver.table.Obj.str;

import dev.kvx.apiserver.json.Json;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code kubectl get pods}: NAME READY STATUS RESTARTS AGE, wide IP NODE NOMINATED NODE READINESS
 * GATES, with upstream's STATUS rules (init containers as {@code Init:x/y} or {@code Init:<reason>},
 * waiting and terminated reasons, sidecars, {@code Completed}, {@code Terminating},
 * {@code SchedulingGated}) and RESTARTS with the time of the last restart.
 */
final class PodPrinter implements RowPrinter {

  private static final List<TableColumn> COLUMNS = List.of(
      TableColumn.nameColumn(),
      TableColumn.string("Ready", "The aggregate readiness state of this pod for accepting traffic."),
      TableColumn.string("Status", "The aggregate status of the containers in this pod."),
      TableColumn.string("Restarts", "The number of times the containers in this pod have been"
          + " restarted and when the last container in this pod has restarted."),
      TableColumn.ageColumn(),
      TableColumn.string("IP", "podIP address allocated to the pod. Routable at least within the"
          + " cluster. Empty if not yet allocated.").wide(),
      TableColumn.string("Node", "NodeName indicates in which node this pod is scheduled.").wide(),
      TableColumn.string("Nominated Node", "nominatedNodeName is set only when this pod preempts"
          + " other pods on the node.").wide(),
      TableColumn.string("Readiness Gates", "If specified, all readiness gates will be evaluated"
          + " for pod readiness.").wide());

  @Override
  public List<TableColumn> columns() {
    return COLUMNS;
  }

  @Override
  public ArrayNode conditions(JsonNode pod) {
    String phase = str(pod, "status", "phase");
    if (!phase.equals("Succeeded") && !phase.equals("Failed")) {
      return null;
    }
    ObjectNode c = Json.object();
    c.put("type", "Completed");
    c.put("status", "True");
    c.put("reason", phase);
    c.put("message", phase.equals("Succeeded") ? "The pod has completed successfully." : "The pod failed.");
    return Json.array().add(c);
  }

  @Override
  public List<Object> cells(JsonNode pod, Instant now) {
    JsonNode spec = at(pod, "spec");
    JsonNode status = at(pod, "status");
    long restarts = 0;
    long restartableInitRestarts = 0;
    int total = list(spec, "containers").size();
    int ready = 0;
    Instant lastRestart = null;
    Instant lastRestartableInitRestart = null;

    String phase = str(status, "phase");
    String reason = str(status, "reason").isEmpty() ? phase : str(status, "reason");
    for (JsonNode c : list(status, "conditions")) {
      if (str(c, "type").equals("PodScheduled") && str(c, "reason").equals("SchedulingGated")) {
        reason = "SchedulingGated";
      }
    }

    Map<String, JsonNode> initContainers = new HashMap<>();
    List<JsonNode> initSpecs = list(spec, "initContainers");
    for (JsonNode c : initSpecs) {
      initContainers.put(str(c, "name"), c);
      if (isSidecar(c)) {
        total++;
      }
    }

    boolean initializing = false;
    List<JsonNode> initStatuses = list(status, "initContainerStatuses");
    for (int i = 0; i < initStatuses.size(); i++) {
      JsonNode c = initStatuses.get(i);
      restarts += num(c, "restartCount");
      lastRestart = later(lastRestart, Obj.time(c, "lastState", "terminated", "finishedAt"));
      boolean sidecar = isSidecar(initContainers.get(str(c, "name")));
      if (sidecar) {
        restartableInitRestarts += num(c, "restartCount");
        lastRestartableInitRestart =
            later(lastRestartableInitRestart, Obj.time(c, "lastState", "terminated", "finishedAt"));
      }
      JsonNode terminated = at(c, "state", "terminated");
      JsonNode waiting = at(c, "state", "waiting");
      if (terminated.isObject() && num(terminated, "exitCode") == 0) {
        continue;
      }
      if (sidecar && Obj.bool(c, "started")) {
        if (Obj.bool(c, "ready")) {
          ready++;
        }
        continue;
      }
      if (terminated.isObject()) {
        if (str(terminated, "reason").isEmpty()) {
          reason = num(terminated, "signal") != 0
              ? "Init:Signal:" + num(terminated, "signal")
              : "Init:ExitCode:" + num(terminated, "exitCode");
        } else {
          reason = "Init:" + str(terminated, "reason");
        }
      } else if (waiting.isObject() && !str(waiting, "reason").isEmpty()
          && !str(waiting, "reason").equals("PodInitializing")) {
        reason = "Init:" + str(waiting, "reason");
      } else {
        reason = "Init:" + i + "/" + initSpecs.size();
      }
      initializing = true;
      break;
    }

    if (!initializing || conditionTrue(status, "Initialized")) {
      restarts = restartableInitRestarts;
      lastRestart = lastRestartableInitRestart;
      boolean hasRunning = false;
      List<JsonNode> statuses = list(status, "containerStatuses");
      for (int i = statuses.size() - 1; i >= 0; i--) {
        JsonNode c = statuses.get(i);
        restarts += num(c, "restartCount");
        lastRestart = later(lastRestart, Obj.time(c, "lastState", "terminated", "finishedAt"));
        JsonNode waiting = at(c, "state", "waiting");
        JsonNode terminated = at(c, "state", "terminated");
        if (waiting.isObject() && !str(waiting, "reason").isEmpty()) {
          reason = str(waiting, "reason");
        } else if (terminated.isObject() && !str(terminated, "reason").isEmpty()) {
          reason = str(terminated, "reason");
        } else if (terminated.isObject()) {
          reason = num(terminated, "signal") != 0
              ? "Signal:" + num(terminated, "signal")
              : "ExitCode:" + num(terminated, "exitCode");
        } else if (Obj.bool(c, "ready") && at(c, "state", "running").isObject()) {
          hasRunning = true;
          ready++;
        }
      }
      // A pod whose containers partly completed still runs while one of them does.
      if (reason.equals("Completed") && hasRunning) {
        reason = conditionTrue(status, "Ready") ? "Running" : "NotReady";
      }
    }

    if (has(pod, "metadata", "deletionTimestamp") && str(status, "reason").equals("NodeLost")) {
      reason = "Unknown";
    } else if (has(pod, "metadata", "deletionTimestamp")
        && !phase.equals("Succeeded") && !phase.equals("Failed")) {
      reason = "Terminating";
    }

    String restartsText = Long.toString(restarts);
    if (restarts != 0 && lastRestart != null) {
      restartsText = restarts + " (" + HumanDuration.since(lastRestart, now) + " ago)";
    }

    String podIp = list(status, "podIPs").isEmpty()
        ? str(status, "podIP")
        : str(list(status, "podIPs").get(0), "ip");
    return Arrays.asList(
        Obj.name(pod),
        ready + "/" + total,
        reason,
        restartsText,
        Obj.age(pod, now),
        orNone(podIp),
        orNone(str(spec, "nodeName")),
        orNone(str(status, "nominatedNodeName")),
        readinessGates(spec, status));
  }

  private static String readinessGates(JsonNode spec, JsonNode status) {
    List<JsonNode> gates = list(spec, "readinessGates");
    if (gates.isEmpty()) {
      return "<none>";
    }
    int trueConditions = 0;
    for (JsonNode gate : gates) {
      for (JsonNode c : list(status, "conditions")) {
        if (str(c, "type").equals(str(gate, "conditionType"))) {
          if (str(c, "status").equals("True")) {
            trueConditions++;
          }
          break;
        }
      }
    }
    return trueConditions + "/" + gates.size();
  }

  // An init container with restartPolicy Always is a sidecar: it counts as a regular container.
  private static boolean isSidecar(JsonNode initContainer) {
    return initContainer != null && str(initContainer, "restartPolicy").equals("Always");
  }

  private static boolean conditionTrue(JsonNode status, String type) {
    for (JsonNode c : list(status, "conditions")) {
      if (str(c, "type").equals(type)) {
        return str(c, "status").equals("True");
      }
    }
    return false;
  }

  private static Instant later(Instant current, Instant candidate) {
    return candidate != null && (current == null || candidate.isAfter(current)) ? candidate : current;
  }

  private static String orNone(String s) {
    return s.isEmpty() ? "<none>" : s;
  }
}
