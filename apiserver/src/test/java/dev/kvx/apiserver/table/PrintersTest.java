package dev.kvx.apiserver.table;

import static dev.kvx.apiserver.table.TableConvertorTest.NOW;
import static dev.kvx.apiserver.table.TableConvertorTest.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The columns and cells of each built-in kind against what {@code kubectl get -o wide} shows for
 * the same object upstream. Every object was created five minutes before {@link
 * TableConvertorTest#NOW}, so AGE is {@code 5m}.
 */
class PrintersTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.withBuiltins();
  private final TableConvertor tables = new TableConvertor();

  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of("deployment", "apps", "deployments", """
            {"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"},
               "matchExpressions":[{"key":"tier","operator":"In","values":["b","a"]},{"key":"canary","operator":"DoesNotExist"}]},
               "template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1"},{"name":"side","image":"busybox"}]}}},
             "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}""",
            List.of("Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"),
            row("x", "2/3", 3L, 2L, "5m", "nginx,side", "nginx:1,busybox", "app=web,!canary,tier in (a,b)")),
        Arguments.of("deployment defaults to one replica", "apps", "deployments", """
            {"spec":{"template":{"spec":{"containers":[]}}}}""",
            null, row("x", "0/1", 0L, 0L, "5m", "", "", "")),
        Arguments.of("replicaset", "apps", "replicasets", """
            {"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}},
             "status":{"replicas":2,"readyReplicas":1}}""",
            List.of("Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"),
            row("x", 2L, 2L, 1L, "5m", "c", "i", "app=web")),
        Arguments.of("daemonset", "apps", "daemonsets", """
            {"spec":{"selector":{"matchLabels":{"app":"ds"}},
               "template":{"spec":{"nodeSelector":{"kubernetes.io/os":"linux"},"containers":[{"name":"c","image":"i"}]}}},
             "status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,"updatedNumberScheduled":3,"numberAvailable":2}}""",
            List.of("Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age",
                "Containers", "Images", "Selector"),
            row("x", 3L, 3L, 2L, 3L, 2L, "kubernetes.io/os=linux", "5m", "c", "i", "app=ds")),
        Arguments.of("statefulset", "apps", "statefulsets", """
            {"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"db","image":"pg"}]}}},"status":{"readyReplicas":1}}""",
            List.of("Name", "Ready", "Age", "Containers", "Images"),
            row("x", "1/3", "5m", "db", "pg")),
        Arguments.of("completed job", "batch", "jobs", """
            {"spec":{"completions":1,"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}},
             "status":{"succeeded":1,"startTime":"2024-06-01T11:55:00Z","completionTime":"2024-06-01T11:55:42Z",
               "conditions":[{"type":"Complete","status":"True"}]}}""",
            List.of("Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector"),
            row("x", "Complete", "1/1", "42s", "5m", "c", "i", "<none>")),
        Arguments.of("running parallel job", "batch", "jobs", """
            {"spec":{"parallelism":3,"template":{"spec":{"containers":[]}}},
             "status":{"startTime":"2024-06-01T11:57:00Z","active":3}}""",
            null, row("x", "Running", "0/1 of 3", "3m", "5m", "", "", "<none>")),
        Arguments.of("suspended job", "batch", "jobs", """
            {"spec":{"completions":2},"status":{"conditions":[{"type":"Suspended","status":"True"}]}}""",
            null, row("x", "Suspended", "0/2", "", "5m", "", "", "<none>")),
        Arguments.of("cronjob", "batch", "cronjobs", """
            {"spec":{"schedule":"*/5 * * * *","suspend":false,
               "jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}}}},
             "status":{"active":[{"name":"j1"}],"lastScheduleTime":"2024-06-01T11:59:00Z"}}""",
            List.of("Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers",
                "Images", "Selector"),
            row("x", "*/5 * * * *", "<none>", "False", 1L, "60s", "5m", "c", "i", "<none>")),
        Arguments.of("clusterip service", "", "services", """
            {"spec":{"type":"ClusterIP","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],
               "ports":[{"port":53,"protocol":"UDP"},{"port":53,"protocol":"TCP"}],"selector":{"k8s-app":"dns"}}}""",
            List.of("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"),
            row("x", "ClusterIP", "10.96.0.10", "<none>", "53/UDP,53/TCP", "5m", "k8s-app=dns")),
        Arguments.of("nodeport service", "", "services", """
            {"spec":{"type":"NodePort","clusterIP":"10.96.1.1","ports":[{"port":80,"nodePort":30080}]}}""",
            null, row("x", "NodePort", "10.96.1.1", "<none>", "80:30080/TCP", "5m", "<none>")),
        Arguments.of("pending load balancer", "", "services", """
            {"spec":{"type":"LoadBalancer","clusterIP":"10.96.1.2","ports":[{"port":443,"protocol":"TCP"}]}}""",
            null, row("x", "LoadBalancer", "10.96.1.2", "<pending>", "443/TCP", "5m", "<none>")),
        Arguments.of("load balancer with addresses", "", "services", """
            {"spec":{"type":"LoadBalancer","clusterIP":"10.96.1.2","externalIPs":["1.1.1.1"]},
             "status":{"loadBalancer":{"ingress":[{"ip":"9.9.9.9"},{"hostname":"lb.example.com"}]}}}""",
            null, row("x", "LoadBalancer", "10.96.1.2", "9.9.9.9,lb.example.com,1.1.1.1", "<none>", "5m", "<none>")),
        Arguments.of("externalname service", "", "services", """
            {"spec":{"type":"ExternalName","externalName":"example.com"}}""",
            null, row("x", "ExternalName", "<none>", "example.com", "<none>", "5m", "<none>")),
        Arguments.of("endpoints", "", "endpoints", """
            {"subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}],"ports":[{"port":80},{"port":443}]}]}""",
            List.of("Name", "Endpoints", "Age"),
            row("x", "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...", "5m")),
        Arguments.of("endpointslice", "discovery.k8s.io", "endpointslices", """
            {"addressType":"IPv4","ports":[{"name":"http","port":80}],
             "endpoints":[{"addresses":["10.0.0.1"]},{"addresses":["10.0.0.2"]}]}""",
            List.of("Name", "AddressType", "Ports", "Endpoints", "Age"),
            row("x", "IPv4", "80", "10.0.0.1,10.0.0.2", "5m")),
        Arguments.of("node", "", "nodes", """
            {"metadata":{"labels":{"node-role.kubernetes.io/control-plane":"","node-role.kubernetes.io/worker":""}},
             "spec":{"unschedulable":true},
             "status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],
               "addresses":[{"type":"InternalIP","address":"172.18.0.2"},{"type":"Hostname","address":"n1"}],
               "nodeInfo":{"kubeletVersion":"v1.32.0","osImage":"Debian GNU/Linux 12","kernelVersion":"6.1.0",
                 "containerRuntimeVersion":"docker://20.10.24"}}}""",
            List.of("Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image",
                "Kernel-Version", "Container-Runtime"),
            row("x", "Ready,SchedulingDisabled", "control-plane,worker", "5m", "v1.32.0", "172.18.0.2", "<none>",
                "Debian GNU/Linux 12", "6.1.0", "docker://20.10.24")),
        Arguments.of("unknown node", "", "nodes", "{}",
            null, row("x", "Unknown", "<none>", "5m", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>")),
        Arguments.of("namespace", "", "namespaces", "{\"status\":{\"phase\":\"Terminating\"}}",
            List.of("Name", "Status", "Age"), row("x", "Terminating", "5m")),
        Arguments.of("configmap", "", "configmaps", "{\"data\":{\"a\":\"1\",\"b\":\"2\"},\"binaryData\":{\"c\":\"AA==\"}}",
            List.of("Name", "Data", "Age"), row("x", 3L, "5m")),
        Arguments.of("secret", "", "secrets", "{\"data\":{\"a\":\"MQ==\"},\"stringData\":{\"b\":\"2\"}}",
            List.of("Name", "Type", "Data", "Age"), row("x", "Opaque", 2L, "5m")),
        Arguments.of("serviceaccount", "", "serviceaccounts", "{\"secrets\":[{\"name\":\"t\"}]}",
            List.of("Name", "Secrets", "Age"), row("x", 1L, "5m")),
        Arguments.of("core event", "", "events", """
            {"involvedObject":{"kind":"Pod","name":"web-1","fieldPath":"spec.containers{c}"},
             "reason":"Pulled","type":"Normal","message":" Pulled image \\"nginx\\" \\n","count":4,
             "firstTimestamp":"2024-06-01T11:50:00Z","lastTimestamp":"2024-06-01T11:59:30Z",
             "source":{"component":"kubelet","host":"n1"}}""",
            List.of("Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen",
                "Count", "Name"),
            row("30s", "Normal", "Pulled", "pod/web-1", "spec.containers{c}", "kubelet, n1",
                "Pulled image \"nginx\"", "10m", 4L, "x")),
        Arguments.of("events.k8s.io event", "events.k8s.io", "events", """
            {"regarding":{"kind":"Node","name":"n1"},"reason":"Starting","type":"Normal","note":"Starting kubelet.",
             "eventTime":"2024-06-01T11:58:00.000000Z","reportingController":"kubelet","reportingInstance":"n1"}""",
            null, row("2m", "Normal", "Starting", "node/n1", "", "kubelet, n1", "Starting kubelet.", "2m", 1L, "x")),
        Arguments.of("event series", "", "events", """
            {"involvedObject":{"kind":"Pod","name":"p"},"reason":"BackOff","type":"Warning","message":"m",
             "eventTime":"2024-06-01T11:50:00.000000Z","series":{"count":7,"lastObservedTime":"2024-06-01T11:59:00.000000Z"},
             "reportingComponent":"kubelet"}""",
            null, row("60s", "Warning", "BackOff", "pod/p", "", "kubelet", "m", "10m", 7L, "x")),
        Arguments.of("lease", "coordination.k8s.io", "leases", "{\"spec\":{\"holderIdentity\":\"kvx-1\"}}",
            List.of("Name", "Holder", "Age"), row("x", "kvx-1", "5m")),
        Arguments.of("bound pvc", "", "persistentvolumeclaims", """
            {"spec":{"volumeName":"pv-1","storageClassName":"standard","resources":{"requests":{"storage":"1Gi"}}},
             "status":{"phase":"Bound","capacity":{"storage":"2Gi"},"accessModes":["ReadWriteMany","ReadWriteOnce"]}}""",
            List.of("Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass",
                "VolumeAttributesClass", "Age", "VolumeMode"),
            row("x", "Bound", "pv-1", "2Gi", "RWO,RWX", "standard", "<unset>", "5m", "Filesystem")),
        Arguments.of("pending pvc", "", "persistentvolumeclaims", "{\"spec\":{}}",
            null, row("x", "Pending", "", "", "", "", "<unset>", "5m", "Filesystem")),
        Arguments.of("pv", "", "persistentvolumes", """
            {"spec":{"capacity":{"storage":"5Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Delete",
               "claimRef":{"namespace":"default","name":"data"},"storageClassName":"fast","volumeMode":"Block"},
             "status":{"phase":"Bound"}}""",
            List.of("Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass",
                "VolumeAttributesClass", "Reason", "Age", "VolumeMode"),
            row("x", "5Gi", "RWO", "Delete", "Bound", "default/data", "fast", "<unset>", "", "5m", "Block")),
        Arguments.of("hpa v2", "autoscaling", "horizontalpodautoscalers", """
            {"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":10,
               "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}},
                          {"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"500Mi"}}},
                          {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"10"}}}]},
             "status":{"currentReplicas":3,"currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":55}}}]}}""",
            List.of("Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"),
            row("x", "Deployment/web", "cpu: 55%/70%, memory: <unknown>/500Mi + 1 more...", "2", 10L, 3L, "5m")),
        Arguments.of("hpa v1 without status", "autoscaling", "horizontalpodautoscalers", """
            {"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":5}}""",
            null, row("x", "Deployment/web", "cpu: <unknown>/80%", "1", 5L, 0L, "5m")),
        Arguments.of("ingress", "networking.k8s.io", "ingresses", """
            {"spec":{"ingressClassName":"nginx","tls":[{"hosts":["a.com"]}],
               "rules":[{"host":"a.com"},{"host":"b.com"},{"host":"c.com"},{"host":"d.com"}]},
             "status":{"loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]}}}""",
            List.of("Name", "Class", "Hosts", "Address", "Ports", "Age"),
            row("x", "nginx", "a.com,b.com,c.com + 1 more...", "1.2.3.4", "80, 443", "5m")),
        Arguments.of("ingressclass", "networking.k8s.io", "ingressclasses", """
            {"spec":{"controller":"k8s.io/ingress-nginx","parameters":{"apiGroup":"k8s.example.com","kind":"IngressParameters","name":"p"}}}""",
            List.of("Name", "Controller", "Parameters", "Age"),
            row("x", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/p", "5m")),
        Arguments.of("networkpolicy", "networking.k8s.io", "networkpolicies", "{\"spec\":{\"podSelector\":{}}}",
            List.of("Name", "Pod-Selector", "Age"), row("x", "<none>", "5m")),
        Arguments.of("pdb", "policy", "poddisruptionbudgets", """
            {"spec":{"minAvailable":"50%"},"status":{"disruptionsAllowed":1}}""",
            List.of("Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age"),
            row("x", "50%", "N/A", 1L, "5m")),
        Arguments.of("priorityclass", "scheduling.k8s.io", "priorityclasses", "{\"value\":1000,\"globalDefault\":true}",
            List.of("Name", "Value", "Global-Default", "Age", "PreemptionPolicy"),
            row("x", 1000L, true, "5m", "PreemptLowerPriority")),
        Arguments.of("default storageclass", "storage.k8s.io", "storageclasses", """
            {"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},
             "provisioner":"rancher.io/local-path","volumeBindingMode":"WaitForFirstConsumer"}""",
            List.of("Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age"),
            row("x (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", false, "5m")),
        Arguments.of("rolebinding", "rbac.authorization.k8s.io", "rolebindings", """
            {"roleRef":{"kind":"Role","name":"r1"},"subjects":[{"kind":"User","name":"alice"},{"kind":"Group","name":"devs"},
             {"kind":"ServiceAccount","namespace":"default","name":"sa1"},{"kind":"User","name":"bob"}]}""",
            List.of("Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"),
            row("x", "Role/r1", "5m", "alice, bob", "devs", "default/sa1")),
        Arguments.of("controllerrevision", "apps", "controllerrevisions", """
            {"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"StatefulSet","name":"db","controller":true}]},"revision":3}""",
            List.of("Name", "Controller", "Revision", "Age"), row("x", "statefulset.apps/db", 3L, "5m")),
        Arguments.of("resourcequota", "", "resourcequotas", """
            {"status":{"hard":{"pods":"10","limits.cpu":"2","requests.memory":"1Gi","cpu":"1"},
                       "used":{"pods":"3","cpu":"500m"}}}""",
            List.of("Name", "Request", "Limit", "Age"),
            row("x", "cpu: 500m/1, pods: 3/10, requests.memory: 0/1Gi", "limits.cpu: 0/2", "5m")),
        Arguments.of("limitrange prints the default table", "", "limitranges", "{}",
            List.of("Name", "Created At"), row("x", "2024-06-01T11:55:00Z")),
        Arguments.of("customresourcedefinition prints the default table", "apiextensions.k8s.io",
            "customresourcedefinitions", "{}", List.of("Name", "Created At"), row("x", "2024-06-01T11:55:00Z")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void printsLikeKubectlGetWide(String name, String group, String plural, String json, List<String> columns,
      List<Object> cells) {
    ObjectNode object = obj(json);
    object.withObject("metadata").put("name", "x").put("creationTimestamp", "2024-06-01T11:55:00Z");

    ObjectNode table = tables.toTable(type(group, plural), List.of(object), "None", "1", null, NOW);

    if (columns != null) {
      List<String> names = new ArrayList<>();
      table.get("columnDefinitions").forEach(c -> names.add(c.get("name").asString()));
      assertThat(names).containsExactlyElementsOf(columns);
    }
    assertThat(TableConvertorTest.cells(table)).containsExactlyElementsOf(cells);
  }

  @org.junit.jupiter.api.Test
  void onlyUpstreamsWideColumnsArePriorityOne() {
    JsonNode columns = tables.toTable(type("", "pods"), List.of(), null, "1", null, NOW).get("columnDefinitions");
    List<String> wide = new ArrayList<>();
    columns.forEach(c -> {
      if (c.get("priority").asInt() == 1) {
        wide.add(c.get("name").asString());
      }
    });
    assertThat(wide).containsExactly("IP", "Node", "Nominated Node", "Readiness Gates");
  }

  private static List<Object> row(Object... cells) {
    return Arrays.asList(cells);
  }

  private static ResourceType type(String group, String plural) {
    return REGISTRY.all().stream()
        .filter(t -> t.group().equals(group) && t.plural().equals(plural))
        .findFirst().orElseThrow();
  }
}
