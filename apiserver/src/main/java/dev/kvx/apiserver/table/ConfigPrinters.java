package dev.kvx.apiserver.table;

import static dev.kvx.apiserver.table.Obj.at;
import static dev.kvx.apiserver.table.Obj.list;
import static dev.kvx.apiserver.table.Obj.str;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** ConfigMaps, Secrets, ServiceAccounts, ResourceQuotas and (Cluster)RoleBindings. */
final class ConfigPrinters {

  private ConfigPrinters() {}

  static final RowPrinter CONFIG_MAP = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Data", "Data contains the configuration data."),
          TableColumn.ageColumn()),
      (cm, now) -> Arrays.asList(Obj.name(cm),
          (long) (Obj.size(cm, "data") + Obj.size(cm, "binaryData")), Obj.age(cm, now)));

  static final RowPrinter SECRET = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Type", "Used to facilitate programmatic handling of secret data."),
          TableColumn.string("Data", "Data contains the secret data."),
          TableColumn.ageColumn()),
      (secret, now) -> {
        // stringData is merged into data when a Secret is written.
        Set<String> keys = new HashSet<>(Obj.map(secret, "data").keySet());
        keys.addAll(Obj.map(secret, "stringData").keySet());
        return Arrays.asList(Obj.name(secret), Obj.strOr("Opaque", secret, "type"),
            (long) keys.size(), Obj.age(secret, now));
      });

  static final RowPrinter SERVICE_ACCOUNT = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Secrets", "Secrets is a list of the secrets in the same namespace"
              + " that pods running using this ServiceAccount are allowed to use."),
          TableColumn.ageColumn()),
      (sa, now) -> Arrays.asList(Obj.name(sa), (long) list(sa, "secrets").size(), Obj.age(sa, now)));

  static final RowPrinter RESOURCE_QUOTA = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Request", "Request represents a minimum amount of cpu/memory that a"
              + " container may consume."),
          TableColumn.string("Limit", "Limits control the maximum amount of cpu/memory that a"
              + " container may use independent of contention on the node."),
          TableColumn.ageColumn()),
      (quota, now) -> {
        Map<String, String> hard = new TreeMap<>(Obj.map(quota, "status", "hard"));
        Map<String, String> used = Obj.map(quota, "status", "used");
        List<String> requests = new ArrayList<>();
        List<String> limits = new ArrayList<>();
        hard.forEach((resource, h) -> {
          String text = resource + ": " + used.getOrDefault(resource, "0") + "/" + h;
          String[] pieces = resource.split("\\.");
          (pieces.length > 1 && pieces[0].equals("limits") ? limits : requests).add(text);
        });
        return Arrays.asList(Obj.name(quota), String.join(", ", requests),
            String.join(", ", limits), Obj.age(quota, now));
      });

  static final RowPrinter ROLE_BINDING = binding("roleBinding");
  static final RowPrinter CLUSTER_ROLE_BINDING = binding("clusterRoleBinding");

  private static RowPrinter binding(String what) {
    return RowPrinter.of(
        List.of(TableColumn.nameColumn(),
            TableColumn.string("Role", "RoleRef can reference a Role in the current namespace or a"
                + " ClusterRole in the global namespace."),
            TableColumn.ageColumn(),
            TableColumn.string("Users", "Users in the " + what).wide(),
            TableColumn.string("Groups", "Groups in the " + what).wide(),
            TableColumn.string("ServiceAccounts", "ServiceAccounts in the " + what).wide()),
        (rb, now) -> {
          List<String> users = new ArrayList<>();
          List<String> groups = new ArrayList<>();
          List<String> serviceAccounts = new ArrayList<>();
          for (JsonNode s : list(rb, "subjects")) {
            switch (str(s, "kind")) {
              case "ServiceAccount" -> serviceAccounts.add(str(s, "namespace") + "/" + str(s, "name"));
              case "User" -> users.add(str(s, "name"));
              case "Group" -> groups.add(str(s, "name"));
              default -> { }
            }
          }
          JsonNode ref = at(rb, "roleRef");
          return Arrays.asList(Obj.name(rb), str(ref, "kind") + "/" + str(ref, "name"),
              Obj.age(rb, now), String.join(", ", users), String.join(", ", groups),
              String.join(", ", serviceAccounts));
        });
  }
}
