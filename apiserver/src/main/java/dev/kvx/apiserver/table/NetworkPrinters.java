package dev.kvx.apiserver.table;

import static dev.kvx.apiserver.table.Obj.at;
import static dev.kvx.apiserver.table.Obj.has;
import static dev.kvx.apiserver.table.Obj.list;
import static dev.kvx.apiserver.table.Obj.num;
import static dev.kvx.apiserver.table.Obj.str;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/** Services, Endpoints, EndpointSlices, Ingresses, IngressClasses and NetworkPolicies. */
final class NetworkPrinters {

  private NetworkPrinters() {}

  static final RowPrinter SERVICE = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Type", "type determines how the Service is exposed."),
          TableColumn.string("Cluster-IP", "clusterIP is the IP address of the service."),
          TableColumn.string("External-IP", "externalIPs is a list of IP addresses for which nodes"
              + " in the cluster will also accept traffic for this service."),
          TableColumn.string("Port(s)", "The list of ports that are exposed by this service."),
          TableColumn.ageColumn(),
          TableColumn.string("Selector", "Route service traffic to pods with label keys and values"
              + " matching this selector.").wide()),
      (svc, now) -> {
        String type = Obj.strOr("ClusterIP", svc, "spec", "type");
        List<JsonNode> clusterIps = list(svc, "spec", "clusterIPs");
        String clusterIp = !clusterIps.isEmpty() ? clusterIps.get(0).asString()
            : Obj.strOr("<none>", svc, "spec", "clusterIP");
        List<String> ports = new ArrayList<>();
        for (JsonNode p : list(svc, "spec", "ports")) {
          String protocol = Obj.strOr("TCP", p, "protocol");
          ports.add(num(p, "nodePort") > 0
              ? num(p, "port") + ":" + num(p, "nodePort") + "/" + protocol
              : num(p, "port") + "/" + protocol);
        }
        return Arrays.asList(Obj.name(svc), type, clusterIp, externalIp(svc, type),
            ports.isEmpty() ? "<none>" : String.join(",", ports), Obj.age(svc, now),
            LabelSelectors.formatLabels(Obj.map(svc, "spec", "selector")));
      });

  // Table output is generated wide on the server, so load-balancer addresses are not clipped.
  private static String externalIp(JsonNode svc, String type) {
    List<String> externalIps = new ArrayList<>();
    list(svc, "spec", "externalIPs").forEach(ip -> externalIps.add(ip.asString()));
    switch (type) {
      case "ClusterIP", "NodePort" -> {
        return externalIps.isEmpty() ? "<none>" : String.join(",", externalIps);
      }
      case "LoadBalancer" -> {
        String lb = loadBalancerAddresses(at(svc, "status", "loadBalancer"));
        if (!externalIps.isEmpty()) {
          List<String> all = new ArrayList<>();
          if (!lb.isEmpty()) {
            all.addAll(Arrays.asList(lb.split(",")));
          }
          all.addAll(externalIps);
          return String.join(",", all);
        }
        return lb.isEmpty() ? "<pending>" : lb;
      }
      case "ExternalName" -> {
        return str(svc, "spec", "externalName");
      }
      default -> {
        return "<unknown>";
      }
    }
  }

  /** The sorted, de-duplicated ingress IPs (or hostnames) of a load-balancer status. */
  private static String loadBalancerAddresses(JsonNode loadBalancer) {
    TreeSet<String> result = new TreeSet<>();
    for (JsonNode ingress : list(loadBalancer, "ingress")) {
      if (!str(ingress, "ip").isEmpty()) {
        result.add(str(ingress, "ip"));
      } else if (!str(ingress, "hostname").isEmpty()) {
        result.add(str(ingress, "hostname"));
      }
    }
    return String.join(",", result);
  }

  static final RowPrinter ENDPOINTS = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Endpoints", "The set of all endpoints is the union of all subsets."),
          TableColumn.ageColumn()),
      (ep, now) -> Arrays.asList(Obj.name(ep), formatEndpoints(ep), Obj.age(ep, now)));

  private static String formatEndpoints(JsonNode ep) {
    List<JsonNode> subsets = list(ep, "subsets");
    if (subsets.isEmpty()) {
      return "<none>";
    }
    List<String> shown = new ArrayList<>();
    int max = 3;
    boolean more = false;
    int count = 0;
    for (JsonNode ss : subsets) {
      List<JsonNode> addresses = list(ss, "addresses");
      List<JsonNode> ports = list(ss, "ports");
      if (ports.isEmpty()) {
        // Headless services may have no ports.
        count += addresses.size();
        for (JsonNode a : addresses) {
          if (shown.size() == max) {
            more = true;
            break;
          }
          shown.add(str(a, "ip"));
        }
        continue;
      }
      for (JsonNode port : ports) {
        count += addresses.size();
        for (JsonNode a : addresses) {
          if (shown.size() == max) {
            more = true;
            break;
          }
          shown.add(hostPort(str(a, "ip"), num(port, "port")));
        }
      }
    }
    String joined = String.join(",", shown);
    return more ? joined + " + " + (count - max) + " more..." : joined;
  }

  private static String hostPort(String host, long port) {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }

  static final RowPrinter ENDPOINT_SLICE = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("AddressType", "addressType specifies the type of address carried by"
              + " this EndpointSlice."),
          TableColumn.string("Ports", "ports specifies the list of network ports exposed by each"
              + " endpoint in this slice."),
          TableColumn.string("Endpoints", "endpoints is a list of unique endpoints in this slice."),
          TableColumn.ageColumn()),
      (slice, now) -> {
        List<String> ports = new ArrayList<>();
        int portCount = 0;
        for (JsonNode p : list(slice, "ports")) {
          if (ports.size() < 3) {
            ports.add(has(p, "port") ? Long.toString(num(p, "port"))
                : has(p, "name") ? str(p, "name") : "*");
          }
          portCount++;
        }
        List<String> addresses = new ArrayList<>();
        int addressCount = 0;
        for (JsonNode e : list(slice, "endpoints")) {
          for (JsonNode a : list(e, "addresses")) {
            if (addresses.size() < 3) {
              addresses.add(a.asString());
            }
            addressCount++;
          }
        }
        return Arrays.asList(Obj.name(slice), str(slice, "addressType"),
            listWithMore(ports, portCount), listWithMore(addresses, addressCount),
            Obj.age(slice, now));
      });

  private static String listWithMore(List<String> shown, int count) {
    String joined = String.join(",", shown);
    if (count > 3) {
      return joined + " + " + (count - 3) + " more...";
    }
    return joined.isEmpty() ? "<unset>" : joined;
  }

  static final RowPrinter INGRESS = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Class", "The name of the IngressClass resource that should be used"
              + " for additional configuration"),
          TableColumn.string("Hosts", "Hosts that incoming requests are matched against before the"
              + " ingress rule"),
          TableColumn.string("Address", "Address is a list containing ingress points for the"
              + " load-balancer"),
          TableColumn.string("Ports", "Ports of TLS configurations that open"),
          TableColumn.ageColumn()),
      (ing, now) -> {
        List<JsonNode> rules = list(ing, "spec", "rules");
        List<String> hosts = new ArrayList<>();
        boolean more = false;
        for (JsonNode rule : rules) {
          if (hosts.size() == 3) {
            more = true;
          }
          if (!more && !str(rule, "host").isEmpty()) {
            hosts.add(str(rule, "host"));
          }
        }
        String hostText = hosts.isEmpty() ? "*"
            : more ? String.join(",", hosts) + " + " + (rules.size() - 3) + " more..."
            : String.join(",", hosts);
        return Arrays.asList(Obj.name(ing), Obj.strOr("<none>", ing, "spec", "ingressClassName"),
            hostText, loadBalancerAddresses(at(ing, "status", "loadBalancer")),
            list(ing, "spec", "tls").isEmpty() ? "80" : "80, 443", Obj.age(ing, now));
      });

  static final RowPrinter INGRESS_CLASS = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Controller", "Controller that is responsible for handling this"
              + " class"),
          TableColumn.string("Parameters", "A reference to a resource with additional parameters"),
          TableColumn.ageColumn()),
      (ic, now) -> {
        String parameters = "<none>";
        JsonNode p = at(ic, "spec", "parameters");
        if (p.isObject()) {
          parameters = str(p, "kind");
          if (has(p, "apiGroup")) {
            parameters += "." + str(p, "apiGroup");
          }
          parameters += "/" + str(p, "name");
        }
        return Arrays.asList(Obj.name(ic), str(ic, "spec", "controller"), parameters, Obj.age(ic, now));
      });

  static final RowPrinter NETWORK_POLICY = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Pod-Selector", "Selects the pods to which this NetworkPolicy object"
              + " applies."),
          TableColumn.ageColumn()),
      (np, now) -> Arrays.asList(Obj.name(np),
          LabelSelectors.formatLabelSelector(at(np, "spec", "podSelector")), Obj.age(np, now)));
}
