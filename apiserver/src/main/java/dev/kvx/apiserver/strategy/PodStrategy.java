package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * core/v1 Pod: upstream's pod defaults, the admission steps that fill a new pod
 * (ServiceAccount's default account, DefaultTolerationSeconds, Priority), the create-time status
 * (Pending with its QoS class), pod spec validation and the narrow set of spec changes an update
 * may make.
 */
final class PodStrategy implements ResourceStrategy {

  static final String NOT_READY = "node.kubernetes.io/not-ready";
  static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  static final long DEFAULT_TOLERATION_SECONDS = 300;

  /** Upstream's list, printed in the Forbidden message of a refused spec change. */
  static final String UPDATABLE_FIELDS = "`spec.containers[*].image`,`spec.initContainers[*].image`,"
      + "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
      + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

  private final PriorityClassLookup priorityClasses;

  PodStrategy(PriorityClassLookup priorityClasses) {
    this.priorityClasses = priorityClasses;
  }

  @Override
  public void prepareForCreate(ObjectNode pod) {
    applyDefaults(pod);
    ObjectNode spec = Nodes.objectOrNull(pod, "spec");
    if (spec != null) {
      // ServiceAccount admission: every pod runs as an account.
      Nodes.defaultString(spec, "serviceAccountName", "default");
      spec.put("serviceAccount", Nodes.text(spec, "serviceAccountName"));
      defaultTolerationSeconds(spec);
    }
    PriorityAdmission.admit(pod, priorityClasses);
    ObjectNode status = pod.putObject("status");
    status.put("phase", "Pending");
    status.put("qosClass", QosClass.of(spec));
  }

  @Override
  public void prepareForUpdate(ObjectNode pod, ObjectNode old) {
    applyDefaults(pod);
    ObjectNode spec = Nodes.objectOrNull(pod, "spec");
    ObjectNode oldSpec = Nodes.objectOrNull(old, "spec");
    if (spec != null && oldSpec != null) {
      // A replace from the original manifest omits what admission filled in on create.
      if (Nodes.text(spec, "serviceAccountName").isEmpty() && !Nodes.text(oldSpec, "serviceAccountName").isEmpty()) {
        spec.put("serviceAccountName", Nodes.text(oldSpec, "serviceAccountName"));
        spec.put("serviceAccount", Nodes.text(oldSpec, "serviceAccountName"));
      }
      for (String f : List.of("priority", "preemptionPolicy")) {
        if (!spec.has(f) && oldSpec.has(f)) {
          spec.set(f, oldSpec.get(f).deepCopy()); // set by Priority admission on create
        }
      }
      // DefaultTolerationSeconds admission runs on Update too.
      defaultTolerationSeconds(spec);
    }
  }

  /** What upstream's decoder defaults on every write: {@code SetDefaults_Pod} and the pod spec. */
  static void applyDefaults(ObjectNode pod) {
    ObjectNode spec = Nodes.objectOrNull(pod, "spec");
    if (spec == null) {
      return;
    }
    PodSpecDefaults.apply(spec);
    for (String list : List.of("initContainers", "containers")) {
      for (ObjectNode c : Nodes.objects(spec, list)) {
        requestsFromLimits(c);
      }
    }
    Nodes.defaultBool(spec, "enableServiceLinks", true);
  }

  /** Limits without requests make the requests, for pods only (not templates), as upstream. */
  private static void requestsFromLimits(ObjectNode container) {
    ObjectNode resources = Nodes.objectOrNull(container, "resources");
    ObjectNode limits = Nodes.objectOrNull(resources, "limits");
    if (limits == null) {
      return;
    }
    ObjectNode requests = Nodes.object(resources, "requests");
    if (requests == null) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : limits.properties()) {
      if (!requests.has(e.getKey())) {
        requests.set(e.getKey(), e.getValue().deepCopy());
      }
    }
  }

  /** DefaultTolerationSeconds admission: tolerate not-ready and unreachable nodes for 300s. */
  private static void defaultTolerationSeconds(ObjectNode spec) {
    boolean notReady = false;
    boolean unreachable = false;
    for (ObjectNode t : Nodes.objects(spec, "tolerations")) {
      String key = Nodes.text(t, "key");
      String effect = Nodes.text(t, "effect");
      boolean noExecute = effect.isEmpty() || effect.equals("NoExecute");
      notReady |= noExecute && (key.isEmpty() || key.equals(NOT_READY));
      unreachable |= noExecute && (key.isEmpty() || key.equals(UNREACHABLE));
    }
    if (notReady && unreachable) {
      return;
    }
    JsonNode existing = spec.get("tolerations");
    ArrayNode tolerations = existing instanceof ArrayNode a ? a : spec.putArray("tolerations");
    if (!notReady) {
      tolerations.addObject().put("key", NOT_READY).put("operator", "Exists").put("effect", "NoExecute")
          .put("tolerationSeconds", DEFAULT_TOLERATION_SECONDS);
    }
    if (!unreachable) {
      tolerations.addObject().put("key", UNREACHABLE).put("operator", "Exists").put("effect", "NoExecute")
          .put("tolerationSeconds", DEFAULT_TOLERATION_SECONDS);
    }
  }

  @Override
  public List<Cause> validate(ObjectNode pod) {
    return PodSpecValidation.validate(pod.get("spec"), FieldPath.root("spec"));
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode pod, ObjectNode old) {
    List<Cause> out = new ArrayList<>(validate(pod));
    out.addAll(PodUpdates.validate(pod.path("spec"), old.path("spec")));
    return out;
  }
}
