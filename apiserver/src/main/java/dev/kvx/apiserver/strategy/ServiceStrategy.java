package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * core/v1 Service: {@code SetDefaults_Service}, the IP-family fields upstream's service REST
 * fills in before allocating (single-stack IPv4; RequireDualStack for headless services without a
 * selector), carrying allocated values (clusterIPs, nodePorts) across updates that omit them, as
 * upstream's {@code patchAllocatedValues}, and Service validation. Allocating ClusterIPs and
 * NodePorts is not done here.
 */
final class ServiceStrategy implements ResourceStrategy {

  private static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
  private static final List<String> AFFINITIES = List.of("ClientIP", "None");
  private static final Pattern IPV4 = Pattern.compile(
      "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
  static final long DEFAULT_CLIENT_IP_TIMEOUT = 10800;

  @Override
  public boolean nameIsDnsLabel() {
    return true;
  }

  @Override
  public void prepareForCreate(ObjectNode svc) {
    applyDefaults(svc);
    svc.putObject("status").putObject("loadBalancer");
  }

  @Override
  public void prepareForUpdate(ObjectNode svc, ObjectNode old) {
    ObjectNode spec = Nodes.objectOrNull(svc, "spec");
    JsonNode oldSpec = old.path("spec");
    if (spec != null && oldSpec.isObject()) {
      String type = Nodes.text(spec, "type").isEmpty() ? "ClusterIP" : Nodes.text(spec, "type");
      String oldType = Nodes.text(oldSpec, "type");
      if (!type.equals("ExternalName") && !oldType.equals("ExternalName")) {
        if (Nodes.unset(spec, "clusterIP")) {
          copy(oldSpec, spec, "clusterIP");
        }
        // The rest of the addresses only follow an unchanged primary, as upstream fills them.
        List<String> carried = Nodes.text(spec, "clusterIP").equals(Nodes.text(oldSpec, "clusterIP"))
            ? List.of("clusterIPs", "ipFamilies", "ipFamilyPolicy") : List.of("ipFamilyPolicy");
        for (String f : carried) {
          if (Nodes.unset(spec, f) || (spec.get(f).isArray() && spec.get(f).isEmpty())) {
            copy(oldSpec, spec, f);
          }
        }
      }
      if (needsNodePort(type) && needsNodePort(oldType)) {
        carryNodePorts(spec, oldSpec);
        Long healthCheck = Nodes.integer(spec, "healthCheckNodePort");
        if (healthCheck == null || healthCheck == 0) {
          copy(oldSpec, spec, "healthCheckNodePort");
        }
      }
    }
    applyDefaults(svc);
  }

  private static boolean needsNodePort(String type) {
    return type.equals("NodePort") || type.equals("LoadBalancer");
  }

  private static void copy(JsonNode from, ObjectNode to, String field) {
    JsonNode v = from.get(field);
    if (v != null && !v.isNull()) {
      to.set(field, v.deepCopy());
    }
  }

  /** A port without a nodePort keeps the one its namesake had, unless another port took it. */
  private static void carryNodePorts(ObjectNode spec, JsonNode oldSpec) {
    Set<Long> used = new HashSet<>();
    for (ObjectNode p : Nodes.objects(spec, "ports")) {
      Long n = Nodes.integer(p, "nodePort");
      if (n != null && n != 0) {
        used.add(n);
      }
    }
    for (ObjectNode p : Nodes.objects(spec, "ports")) {
      Long n = Nodes.integer(p, "nodePort");
      if (n != null && n != 0) {
        continue;
      }
      for (ObjectNode o : Nodes.objects(oldSpec, "ports")) {
        Long oldPort = Nodes.integer(o, "nodePort");
        if (Nodes.text(o, "name").equals(Nodes.text(p, "name")) && oldPort != null && !used.contains(oldPort)) {
          p.put("nodePort", oldPort);
          used.add(oldPort);
          break;
        }
      }
    }
  }

  static void applyDefaults(ObjectNode svc) {
    ObjectNode spec = Nodes.object(svc, "spec");
    if (spec == null) {
      return;
    }
    Nodes.defaultString(spec, "sessionAffinity", "None");
    String affinity = Nodes.text(spec, "sessionAffinity");
    if (affinity.equals("None")) {
      spec.remove("sessionAffinityConfig");
    } else if (affinity.equals("ClientIP")) {
      JsonNode timeout = spec.path("sessionAffinityConfig").path("clientIP").get("timeoutSeconds");
      if (timeout == null || timeout.isNull()) {
        spec.putObject("sessionAffinityConfig").putObject("clientIP").put("timeoutSeconds", DEFAULT_CLIENT_IP_TIMEOUT);
      }
    }
    Nodes.defaultString(spec, "type", "ClusterIP");
    String type = Nodes.text(spec, "type");
    for (ObjectNode p : Nodes.objects(spec, "ports")) {
      Nodes.defaultString(p, "protocol", "TCP");
      JsonNode target = p.get("targetPort");
      boolean unsetTarget = target == null || target.isNull() || (target.isString() && target.asString().isEmpty())
          || (target.isIntegralNumber() && target.asLong() == 0);
      if (unsetTarget && p.has("port")) {
        p.set("targetPort", p.get("port").deepCopy());
      }
    }
    boolean externallyAccessible = type.equals("LoadBalancer") || type.equals("NodePort")
        || (type.equals("ClusterIP") && Nodes.size(spec, "externalIPs") > 0);
    if (externallyAccessible) {
      Nodes.defaultString(spec, "externalTrafficPolicy", "Cluster");
    }
    if (!type.equals("ExternalName")) {
      Nodes.defaultString(spec, "internalTrafficPolicy", "Cluster");
    }
    if (type.equals("LoadBalancer")) {
      Nodes.defaultBool(spec, "allocateLoadBalancerNodePorts", true);
    }
    if (!type.equals("ExternalName")) {
      ipFamilies(spec);
    }
  }

  /** The family fields upstream's allocator settles before it picks addresses. */
  private static void ipFamilies(ObjectNode spec) {
    String clusterIP = Nodes.text(spec, "clusterIP");
    JsonNode ips = spec.get("clusterIPs");
    if (!clusterIP.isEmpty() && (ips == null || !ips.isArray() || ips.isEmpty())) {
      spec.putArray("clusterIPs").add(clusterIP);
    } else if (clusterIP.isEmpty() && ips != null && ips.isArray() && !ips.isEmpty()) {
      spec.put("clusterIP", ips.get(0).asString());
    }
    boolean headless = "None".equals(Nodes.text(spec, "clusterIP"));
    boolean selectorless = Nodes.stringMap(spec, "selector").isEmpty();
    JsonNode families = spec.get("ipFamilies");
    boolean noFamilies = families == null || !families.isArray() || families.isEmpty();
    if (headless && selectorless) {
      ArrayNode f = noFamilies ? spec.putArray("ipFamilies").add("IPv4") : (ArrayNode) families;
      Nodes.defaultString(spec, "ipFamilyPolicy", "RequireDualStack");
      if (!"SingleStack".equals(Nodes.text(spec, "ipFamilyPolicy")) && f.size() == 1) {
        f.add("IPv4".equals(f.get(0).asString()) ? "IPv6" : "IPv4");
      }
      return;
    }
    Nodes.defaultString(spec, "ipFamilyPolicy", "SingleStack");
    if (noFamilies) {
      String primary = Nodes.text(spec, "clusterIP");
      spec.putArray("ipFamilies").add(primary.contains(":") ? "IPv6" : "IPv4");
    }
  }

  @Override
  public List<Cause> validate(ObjectNode svc) {
    List<Cause> out = new ArrayList<>();
    String name = Nodes.text(svc.path("metadata"), "name");
    // The generic check wants a DNS-1123 label; a Service name must also start with a letter.
    if (!name.isEmpty() && NameRules.dns1123Label(name).isEmpty() && !Character.isLetter(name.charAt(0))) {
      out.add(FieldErrors.invalid(FieldPath.root("metadata", "name"), name, "a DNS-1035 label must consist of lower"
          + " case alphanumeric characters or '-', start with an alphabetic character, and end with an"
          + " alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is"
          + " '[a-z]([-a-z0-9]*[a-z0-9])?')"));
    }
    JsonNode spec = svc.path("spec");
    FieldPath p = FieldPath.root("spec");
    String type = Nodes.text(spec, "type");
    if (!TYPES.contains(type)) {
      out.add(FieldErrors.notSupported(p.child("type"), type, TYPES));
    }
    boolean headless = "None".equals(Nodes.text(spec, "clusterIP"));
    if (type.equals("ExternalName")) {
      String external = Nodes.text(spec, "externalName");
      if (external.isEmpty()) {
        out.add(FieldErrors.required(p.child("externalName")));
      } else {
        String host = external.endsWith(".") ? external.substring(0, external.length() - 1) : external;
        NameRules.dns1123Subdomain(host).forEach(m -> out.add(FieldErrors.invalid(p.child("externalName"), external, m)));
      }
      if (Nodes.size(spec, "clusterIPs") > 0 || !Nodes.text(spec, "clusterIP").isEmpty()) {
        out.add(FieldErrors.forbidden(p.child("clusterIPs"), "may not be set for ExternalName services"));
      }
    } else if (Nodes.size(spec, "ports") == 0 && !headless) {
      out.add(FieldErrors.required(p.child("ports")));
    }
    ports(spec, type, p.child("ports"), out);
    String affinity = Nodes.text(spec, "sessionAffinity");
    if (!AFFINITIES.contains(affinity)) {
      out.add(FieldErrors.notSupported(p.child("sessionAffinity"), affinity, AFFINITIES));
    }
    out.addAll(MetaValidation.labels(spec.get("selector"), p.child("selector")));
    JsonNode ips = spec.get("clusterIPs");
    if (ips != null && ips.isArray()) {
      for (int i = 0; i < ips.size(); i++) {
        String ip = ips.get(i).asString();
        if (!(i == 0 && ip.equals("None")) && !isIp(ip)) {
          out.add(FieldErrors.invalid(p.child("clusterIPs").index(i), ip,
              "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
        }
      }
    }
    return out;
  }

  private static void ports(JsonNode spec, String type, FieldPath path, List<Cause> out) {
    JsonNode ports = spec.get("ports");
    if (ports == null || !ports.isArray()) {
      return;
    }
    Set<String> names = new HashSet<>();
    Set<String> portKeys = new HashSet<>();
    boolean nodePortsAllowed = needsNodePort(type);
    for (int i = 0; i < ports.size(); i++) {
      JsonNode port = ports.get(i);
      FieldPath pp = path.index(i);
      String name = Nodes.text(port, "name");
      if (name.isEmpty()) {
        if (ports.size() > 1) {
          out.add(FieldErrors.required(pp.child("name")));
        }
      } else {
        NameRules.dns1123Label(name).forEach(m -> out.add(FieldErrors.invalid(pp.child("name"), name, m)));
        if (!names.add(name)) {
          out.add(FieldErrors.duplicate(pp.child("name"), name));
        }
      }
      Long number = Nodes.integer(port, "port");
      NameRules.portNumber(number == null ? 0 : number)
          .forEach(m -> out.add(FieldErrors.invalid(pp.child("port"), number == null ? 0L : number, m)));
      String protocol = Nodes.text(port, "protocol");
      if (protocol.isEmpty()) {
        out.add(FieldErrors.required(pp.child("protocol")));
      } else if (!PodSpecValidation.PROTOCOLS.contains(protocol)) {
        out.add(FieldErrors.notSupported(pp.child("protocol"), protocol, PodSpecValidation.PROTOCOLS));
      }
      JsonNode target = port.get("targetPort");
      if (target != null && target.isString()) {
        NameRules.portName(target.asString()).forEach(m -> out.add(FieldErrors.invalid(pp.child("targetPort"), target.asString(), m)));
      } else if (target != null && target.isIntegralNumber()) {
        NameRules.portNumber(target.asLong()).forEach(m -> out.add(FieldErrors.invalid(pp.child("targetPort"), target.asLong(), m)));
      }
      Long nodePort = Nodes.integer(port, "nodePort");
      if (nodePort != null && nodePort != 0) {
        if (!nodePortsAllowed) {
          out.add(FieldErrors.forbidden(pp.child("nodePort"), "may not be used when `type` is '" + type + "'"));
        } else {
          NameRules.portNumber(nodePort).forEach(m -> out.add(FieldErrors.invalid(pp.child("nodePort"), nodePort, m)));
        }
      }
      if (!portKeys.add(number + "/" + protocol)) {
        out.add(FieldErrors.duplicate(pp, new GoValues.Raw("core.ServicePort{Name:\"\", Protocol:" + GoValues.quote(protocol)
            + ", AppProtocol:(*string)(nil), Port:" + number
            + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}")));
      }
    }
  }

  static boolean isIp(String s) {
    if (IPV4.matcher(s).matches()) {
      return true;
    }
    if (!s.contains(":") || !IPV6_CHARS.matcher(s).matches()) {
      return false;
    }
    try {
      // a literal with ':' is parsed, never resolved
      return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode svc, ObjectNode old) {
    List<Cause> out = new ArrayList<>(validate(svc));
    JsonNode spec = svc.path("spec");
    JsonNode oldSpec = old.path("spec");
    String type = Nodes.text(spec, "type");
    String oldType = Nodes.text(oldSpec, "type");
    if (type.equals("ExternalName") || oldType.equals("ExternalName")) {
      return out;
    }
    boolean headless = "None".equals(Nodes.text(spec, "clusterIP"));
    boolean oldHeadless = "None".equals(Nodes.text(oldSpec, "clusterIP"));
    if (headless && oldHeadless) {
      return out;
    }
    JsonNode ips = spec.path("clusterIPs");
    JsonNode oldIps = oldSpec.path("clusterIPs");
    int common = Math.min(ips.size(), oldIps.size());
    for (int i = 0; i < common; i++) {
      if (!ips.get(i).equals(oldIps.get(i))) {
        out.add(FieldErrors.invalid(FieldPath.root("spec", "clusterIPs").index(i), ips, "may not change once set"));
      }
    }
    if (oldIps.size() > 0 && ips.size() == 0) {
      out.add(FieldErrors.invalid(FieldPath.root("spec", "clusterIPs").index(0), ips, "primary clusterIP can not be unset"));
    }
    return out;
  }
}
