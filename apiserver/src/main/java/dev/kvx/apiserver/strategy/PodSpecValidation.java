package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The common rules of upstream's {@code ValidatePodSpec} for pods and pod templates: containers,
 * ports, env, mounts, resources, volumes, policies, tolerations and affinity, each cause naming
 * its field below {@code path} (e.g. {@code spec.template.spec.containers[0].image}).
 */
final class PodSpecValidation {

  private PodSpecValidation() {}

  static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
  private static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
  private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
  private static final List<String> MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");
  static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
  private static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  private static final List<String> NODE_SELECTOR_OPS = List.of("DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn");

  static List<Cause> validate(JsonNode spec, FieldPath path) {
    List<Cause> out = new ArrayList<>();
    if (spec == null || !spec.isObject()) {
      out.add(FieldErrors.required(path.child("containers")));
      return out;
    }
    Set<String> volumes = volumes(spec, path.child("volumes"), out);
    if (Nodes.size(spec, "containers") == 0) {
      out.add(FieldErrors.required(path.child("containers")));
    }
    Set<String> names = new HashSet<>();
    for (String list : List.of("initContainers", "containers")) {
      JsonNode items = spec.get(list);
      if (items == null || !items.isArray()) {
        continue;
      }
      for (int i = 0; i < items.size(); i++) {
        container(items.get(i), path.child(list).index(i), names, volumes, out);
      }
    }
    policy(spec, "restartPolicy", RESTART_POLICIES, path, out);
    policy(spec, "dnsPolicy", DNS_POLICIES, path, out);
    if ("None".equals(Nodes.text(spec, "dnsPolicy")) && !spec.has("dnsConfig")) {
      out.add(FieldErrors.required(path.child("dnsConfig"), "must provide `dnsConfig` when `dnsPolicy` is None"));
    }
    out.addAll(MetaValidation.labels(spec.get("nodeSelector"), path.child("nodeSelector")));
    Long deadline = Nodes.integer(spec, "activeDeadlineSeconds");
    if (deadline != null && (deadline < 1 || deadline > Integer.MAX_VALUE)) {
      out.add(FieldErrors.invalid(path.child("activeDeadlineSeconds"), deadline,
          "must be between 1 and 2147483647, inclusive"));
    }
    for (String dnsLabel : List.of("hostname", "subdomain")) {
      String v = Nodes.text(spec, dnsLabel);
      if (!v.isEmpty()) {
        NameRules.dns1123Label(v).forEach(m -> out.add(FieldErrors.invalid(path.child(dnsLabel), v, m)));
      }
    }
    String sa = Nodes.text(spec, "serviceAccountName");
    if (!sa.isEmpty()) {
      NameRules.dns1123Subdomain(sa).forEach(m -> out.add(FieldErrors.invalid(path.child("serviceAccountName"), sa, m)));
    }
    tolerations(spec.get("tolerations"), path.child("tolerations"), out);
    affinity(Nodes.objectOrNull(spec, "affinity"), path.child("affinity"), out);
    return out;
  }

  private static void policy(JsonNode spec, String field, List<String> allowed, FieldPath path, List<Cause> out) {
    String v = Nodes.text(spec, field);
    if (v.isEmpty()) {
      out.add(FieldErrors.required(path.child(field)));
    } else if (!allowed.contains(v)) {
      out.add(FieldErrors.notSupported(path.child(field), v, allowed));
    }
  }

  private static Set<String> volumes(JsonNode spec, FieldPath path, List<Cause> out) {
    Set<String> names = new HashSet<>();
    JsonNode items = spec.get("volumes");
    if (items == null || !items.isArray()) {
      return names;
    }
    for (int i = 0; i < items.size(); i++) {
      FieldPath p = path.index(i).child("name");
      String name = Nodes.text(items.get(i), "name");
      if (name.isEmpty()) {
        out.add(FieldErrors.required(p));
        continue;
      }
      NameRules.dns1123Label(name).forEach(m -> out.add(FieldErrors.invalid(p, name, m)));
      if (!names.add(name)) {
        out.add(FieldErrors.duplicate(p, name));
      }
    }
    return names;
  }

  private static void container(JsonNode c, FieldPath path, Set<String> names, Set<String> volumes, List<Cause> out) {
    String name = Nodes.text(c, "name");
    if (name.isEmpty()) {
      out.add(FieldErrors.required(path.child("name")));
    } else {
      NameRules.dns1123Label(name).forEach(m -> out.add(FieldErrors.invalid(path.child("name"), name, m)));
      if (!names.add(name)) {
        out.add(FieldErrors.duplicate(path.child("name"), name));
      }
    }
    String image = Nodes.text(c, "image");
    if (image.isEmpty()) {
      out.add(FieldErrors.required(path.child("image")));
    } else if (!image.strip().equals(image)) {
      out.add(FieldErrors.invalid(path.child("image"), image, "must not have leading or trailing whitespace"));
    }
    policy(c, "imagePullPolicy", PULL_POLICIES, path, out);
    policy(c, "terminationMessagePolicy", MESSAGE_POLICIES, path, out);
    ports(c.get("ports"), path.child("ports"), out);
    JsonNode env = c.get("env");
    if (env != null && env.isArray()) {
      for (int i = 0; i < env.size(); i++) {
        FieldPath p = path.child("env").index(i).child("name");
        String n = Nodes.text(env.get(i), "name");
        if (n.isEmpty()) {
          out.add(FieldErrors.required(p));
        } else {
          NameRules.envVarName(n).forEach(m -> out.add(FieldErrors.invalid(p, n, m)));
        }
      }
    }
    JsonNode mounts = c.get("volumeMounts");
    if (mounts != null && mounts.isArray()) {
      for (int i = 0; i < mounts.size(); i++) {
        FieldPath p = path.child("volumeMounts").index(i);
        String n = Nodes.text(mounts.get(i), "name");
        if (n.isEmpty()) {
          out.add(FieldErrors.required(p.child("name")));
        } else if (!volumes.contains(n)) {
          out.add(FieldErrors.notFound(p.child("name"), n));
        }
        if (Nodes.text(mounts.get(i), "mountPath").isEmpty()) {
          out.add(FieldErrors.required(p.child("mountPath")));
        }
      }
    }
    resources(Nodes.objectOrNull(c, "resources"), path.child("resources"), out);
  }

  private static void ports(JsonNode ports, FieldPath path, List<Cause> out) {
    if (ports == null || !ports.isArray()) {
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      JsonNode port = ports.get(i);
      FieldPath p = path.index(i);
      String name = Nodes.text(port, "name");
      if (!name.isEmpty()) {
        NameRules.portName(name).forEach(m -> out.add(FieldErrors.invalid(p.child("name"), name, m)));
        if (!names.add(name)) {
          out.add(FieldErrors.duplicate(p.child("name"), name));
        }
      }
      Long containerPort = Nodes.integer(port, "containerPort");
      if (containerPort == null || containerPort == 0) {
        out.add(FieldErrors.required(p.child("containerPort")));
      } else {
        NameRules.portNumber(containerPort).forEach(m -> out.add(FieldErrors.invalid(p.child("containerPort"), containerPort, m)));
      }
      Long hostPort = Nodes.integer(port, "hostPort");
      if (hostPort != null && hostPort != 0) {
        NameRules.portNumber(hostPort).forEach(m -> out.add(FieldErrors.invalid(p.child("hostPort"), hostPort, m)));
      }
      String protocol = Nodes.text(port, "protocol");
      if (protocol.isEmpty()) {
        out.add(FieldErrors.required(p.child("protocol")));
      } else if (!PROTOCOLS.contains(protocol)) {
        out.add(FieldErrors.notSupported(p.child("protocol"), protocol, PROTOCOLS));
      }
    }
  }

  /** Requests and limits: valid, non-negative quantities; requests within limits. */
  private static void resources(JsonNode resources, FieldPath path, List<Cause> out) {
    if (resources == null) {
      return;
    }
    JsonNode limits = resources.get("limits");
    JsonNode requests = resources.get("requests");
    quantities(limits, path.child("limits"), out);
    quantities(requests, path.child("requests"), out);
    if (requests == null || !requests.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : requests.properties()) {
      BigDecimal request = Quantities.amount(e.getValue());
      JsonNode limitNode = limits == null ? null : limits.get(e.getKey());
      BigDecimal limit = Quantities.amount(limitNode);
      if (request == null) {
        continue;
      }
      boolean overcommit = isOvercommitAllowed(e.getKey());
      if (limitNode != null && limit != null) {
        if (!overcommit && request.compareTo(limit) != 0) {
          out.add(FieldErrors.invalid(path.child("requests"), e.getValue().asString(),
              "must be equal to " + e.getKey() + " limit of " + limitNode.asString()));
        } else if (request.compareTo(limit) > 0) {
          out.add(FieldErrors.invalid(path.child("requests"), e.getValue().asString(),
              "must be less than or equal to " + e.getKey() + " limit of " + limitNode.asString()));
        }
      } else if (limitNode == null && !overcommit) {
        out.add(FieldErrors.required(path.child("limits"), "Limit must be set for non overcommitable resources"));
      }
    }
  }

  private static void quantities(JsonNode list, FieldPath path, List<Cause> out) {
    if (list == null || !list.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : list.properties()) {
      FieldPath p = path.key(e.getKey());
      NameRules.qualifiedName(e.getKey()).forEach(m -> out.add(FieldErrors.invalid(p, e.getKey(), m)));
      BigDecimal amount = Quantities.amount(e.getValue());
      if (amount == null) {
        out.add(FieldErrors.invalid(p, e.getValue().asString(),
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
      } else if (amount.signum() < 0) {
        out.add(FieldErrors.invalid(p, e.getValue().asString(), "must be greater than or equal to 0"));
      }
    }
  }

  /** Native resources may be requested below their limit; extended resources and hugepages not. */
  private static boolean isOvercommitAllowed(String name) {
    boolean hugePages = name.startsWith("hugepages-");
    boolean nativeName = !name.contains("/") || name.startsWith("kubernetes.io/");
    return nativeName && !hugePages;
  }

  private static void tolerations(JsonNode tolerations, FieldPath path, List<Cause> out) {
    if (tolerations == null || !tolerations.isArray()) {
      return;
    }
    for (int i = 0; i < tolerations.size(); i++) {
      JsonNode t = tolerations.get(i);
      FieldPath p = path.index(i);
      String key = Nodes.text(t, "key");
      String op = Nodes.text(t, "operator");
      String value = Nodes.text(t, "value");
      if (!key.isEmpty()) {
        NameRules.qualifiedName(key).forEach(m -> out.add(FieldErrors.invalid(p.child("key"), key, m)));
      } else if (!op.equals("Exists")) {
        out.add(FieldErrors.invalid(p.child("operator"), op,
            "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
      }
      switch (op) {
        case "", "Equal" -> NameRules.labelValue(value).forEach(m -> out.add(FieldErrors.invalid(p.child("value"), value, m)));
        case "Exists" -> {
          if (!value.isEmpty()) {
            out.add(FieldErrors.invalid(p.child("operator"), value, "value must be empty when `operator` is 'Exists'"));
          }
        }
        default -> out.add(FieldErrors.notSupported(p.child("operator"), op, List.of("Equal", "Exists")));
      }
      String effect = Nodes.text(t, "effect");
      if (t.has("tolerationSeconds") && !t.get("tolerationSeconds").isNull() && !effect.equals("NoExecute")) {
        out.add(FieldErrors.invalid(p.child("effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
      }
      if (!effect.isEmpty() && !TAINT_EFFECTS.contains(effect)) {
        out.add(FieldErrors.notSupported(p.child("effect"), effect, TAINT_EFFECTS));
      }
    }
  }

  private static void affinity(ObjectNode affinity, FieldPath path, List<Cause> out) {
    if (affinity == null) {
      return;
    }
    ObjectNode node = Nodes.objectOrNull(affinity, "nodeAffinity");
    if (node != null) {
      FieldPath np = path.child("nodeAffinity");
      ObjectNode required = Nodes.objectOrNull(node, "requiredDuringSchedulingIgnoredDuringExecution");
      if (required != null) {
        FieldPath rp = np.child("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms");
        JsonNode terms = required.get("nodeSelectorTerms");
        if (terms == null || !terms.isArray() || terms.isEmpty()) {
          out.add(FieldErrors.required(rp, "must have at least one node selector term"));
        } else {
          for (int i = 0; i < terms.size(); i++) {
            nodeSelectorTerm(terms.get(i), rp.index(i), out);
          }
        }
      }
      JsonNode preferred = node.get("preferredDuringSchedulingIgnoredDuringExecution");
      if (preferred != null && preferred.isArray()) {
        FieldPath pp = np.child("preferredDuringSchedulingIgnoredDuringExecution");
        for (int i = 0; i < preferred.size(); i++) {
          weight(preferred.get(i), pp.index(i), out);
          nodeSelectorTerm(preferred.get(i).get("preference"), pp.index(i).child("preference"), out);
        }
      }
    }
    for (String kind : List.of("podAffinity", "podAntiAffinity")) {
      ObjectNode pod = Nodes.objectOrNull(affinity, kind);
      if (pod == null) {
        continue;
      }
      FieldPath kp = path.child(kind);
      JsonNode required = pod.get("requiredDuringSchedulingIgnoredDuringExecution");
      if (required != null && required.isArray()) {
        for (int i = 0; i < required.size(); i++) {
          podAffinityTerm(required.get(i), kp.child("requiredDuringSchedulingIgnoredDuringExecution").index(i), out);
        }
      }
      JsonNode preferred = pod.get("preferredDuringSchedulingIgnoredDuringExecution");
      if (preferred != null && preferred.isArray()) {
        for (int i = 0; i < preferred.size(); i++) {
          FieldPath pp = kp.child("preferredDuringSchedulingIgnoredDuringExecution").index(i);
          weight(preferred.get(i), pp, out);
          podAffinityTerm(preferred.get(i).get("podAffinityTerm"), pp.child("podAffinityTerm"), out);
        }
      }
    }
  }

  private static void weight(JsonNode term, FieldPath path, List<Cause> out) {
    Long w = Nodes.integer(term, "weight");
    if (w == null || w < 1 || w > 100) {
      out.add(FieldErrors.invalid(path.child("weight"), w == null ? 0L : w, "must be in the range 1-100"));
    }
  }

  private static void podAffinityTerm(JsonNode term, FieldPath path, List<Cause> out) {
    if (term == null || !term.isObject()) {
      return;
    }
    if (Nodes.text(term, "topologyKey").isEmpty()) {
      out.add(FieldErrors.required(path.child("topologyKey"), "can not be empty"));
    } else {
      String key = Nodes.text(term, "topologyKey");
      NameRules.qualifiedName(key).forEach(m -> out.add(FieldErrors.invalid(path.child("topologyKey"), key, m)));
    }
    out.addAll(LabelSelectors.validate(term.get("labelSelector"), path.child("labelSelector")));
  }

  private static void nodeSelectorTerm(JsonNode term, FieldPath path, List<Cause> out) {
    if (term == null || !term.isObject()) {
      return;
    }
    JsonNode exprs = term.get("matchExpressions");
    if (exprs == null || !exprs.isArray()) {
      return;
    }
    for (int i = 0; i < exprs.size(); i++) {
      JsonNode r = exprs.get(i);
      FieldPath p = path.child("matchExpressions").index(i);
      String op = Nodes.text(r, "operator");
      int values = Nodes.size(r, "values");
      switch (op) {
        case "In", "NotIn" -> {
          if (values == 0) {
            out.add(FieldErrors.required(p.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (values > 0) {
            out.add(FieldErrors.forbidden(p.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
          }
        }
        case "Gt", "Lt" -> {
          if (values != 1) {
            out.add(FieldErrors.required(p.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
          }
        }
        default -> out.add(FieldErrors.notSupported(p.child("operator"), op, NODE_SELECTOR_OPS));
      }
      String key = Nodes.text(r, "key");
      NameRules.qualifiedName(key).forEach(m -> out.add(FieldErrors.invalid(p.child("key"), key, m)));
    }
  }
}
