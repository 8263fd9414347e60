package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code kubectl get} in its output formats and with selectors and chunking. Each scenario makes
 * its own namespace with five ConfigMaps ({@code cm-1}…{@code cm-5}, {@code app=x} on the first
 * two, {@code app=y} on the rest), a Pod and a Deployment.
 */
class KubectlGetTest {

  @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();

  private static final Pattern LIMIT_REQUEST =
      Pattern.compile("GET https://\\S+/configmaps\\?(\\S*limit=2\\S*) 200");

  private static String seed(Kubectl kubectl, String scenario) {
    String ns = scenario + "-" + kubectl.binary().slug();
    run(kubectl, "create", "namespace", ns);
    // One kubectl call for all five: a List read from stdin.
    String items =
        IntStream.rangeClosed(1, 5)
            .mapToObj(
                i ->
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-"
                        + i
                        + "\","
                        + "\"labels\":{\"app\":\""
                        + (i <= 2 ? "x" : "y")
                        + "\"}},\"data\":{\"k\":\"v"
                        + i
                        + "\","
                        + (i == 5 ? "\"extra\":\"e\"" : "\"index\":\"" + i + "\"")
                        + "}}")
            .collect(Collectors.joining(","));
    Kubectl.Result created =
        kubectl.runWithInput(
            "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[" + items + "]}",
            "-n",
            ns,
            "create",
            "-f",
            "-");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    return ns;
  }

  private static Kubectl.Result run(Kubectl kubectl, String... args) {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  /** A table as kubectl printed it: header cells, then one list of cells per row. */
  private static List<List<String>> table(Kubectl.Result r) {
    // Columns are separated by at least two spaces or one when a value fills the column; headers
    // such as "NOMINATED NODE" hold single spaces, so split on runs of 2+ spaces except there.
    List<List<String>> rows = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      if (!line.isBlank()) {
        rows.add(Arrays.asList(line.trim().split("\\s{2,}")));
      }
    }
    return rows;
  }

  private static List<String> names(List<List<String>> rows, int column) {
    return rows.stream().skip(1).map(row -> row.get(column)).toList();
  }

  @EachKubectl
  void defaultTableColumns(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = seed(kubectl, "table");

    List<List<String>> cms = table(run(kubectl, "-n", ns, "get", "configmaps", "-l", "app"));
    assertThat(cms.get(0)).containsExactly("NAME", "DATA", "AGE");
    assertThat(names(cms, 0)).containsExactly("cm-1", "cm-2", "cm-3", "cm-4", "cm-5");
    assertThat(cms.get(1).get(1)).isEqualTo("2");
    assertThat(cms.get(1).get(2)).matches("\\d+s");

    run(kubectl, "-n", ns, "create", "deployment", "web", "--image=nginx:1.25", "--replicas=3");
    List<List<String>> deploys = table(run(kubectl, "-n", ns, "get", "deployments"));
    assertThat(deploys.get(0)).containsExactly("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE");
    assertThat(deploys.get(1)).startsWith("web", "0/3");

    run(kubectl, "-n", ns, "run", "pod-a", "--image=nginx:1.25", "--labels=app=x");
    List<List<String>> pods = table(run(kubectl, "-n", ns, "get", "pods"));
    assertThat(pods.get(0)).containsExactly("NAME", "READY", "STATUS", "RESTARTS", "AGE");
    // No scheduler or kubelet here: a new pod is Pending, as the pod strategy makes it upstream.
    assertThat(pods.get(1)).startsWith("pod-a", "0/1", "Pending", "0");
  }

  @EachKubectl
  void wideAddsPriorityOneColumns(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = "wide-" + binary.slug();
    run(kubectl, "create", "namespace", ns);
    run(kubectl, "-n", ns, "create", "deployment", "web", "--image=nginx:1.25", "--replicas=2");
    run(kubectl, "-n", ns, "run", "pod-a", "--image=nginx:1.25");

    List<List<String>> deploys = table(run(kubectl, "-n", ns, "get", "deployments", "-o", "wide"));
    assertThat(deploys.get(0))
        .containsExactly(
            "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR");
    assertThat(deploys.get(1)).startsWith("web", "0/2").endsWith("nginx", "nginx:1.25", "app=web");

    Kubectl.Result pods = run(kubectl, "-n", ns, "get", "pods", "-o", "wide");
    String header = pods.stdout().lines().findFirst().orElseThrow();
    assertThat(header.trim().split("\\s+"))
        .containsExactly(
            "NAME",
            "READY",
            "STATUS",
            "RESTARTS",
            "AGE",
            "IP",
            "NODE",
            "NOMINATED",
            "NODE",
            "READINESS",
            "GATES");
    assertThat(pods.stdout().lines().skip(1).findFirst().orElseThrow()).startsWith("pod-a ");
  }

  @EachKubectl
  void yamlAndJson(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = seed(kubectl, "out");

    Kubectl.Result yaml = run(kubectl, "-n", ns, "get", "configmap", "cm-1", "-o", "yaml");
    JsonNode one = YAMLMapper.builder().build().readTree(yaml.stdout());
    assertThat(one.at("/apiVersion").asString()).isEqualTo("v1");
    assertThat(one.at("/kind").asString()).isEqualTo("ConfigMap");
    assertThat(one.at("/metadata/name").asString()).isEqualTo("cm-1");
    assertThat(one.at("/metadata/namespace").asString()).isEqualTo(ns);
    assertThat(one.at("/metadata/labels/app").asString()).isEqualTo("x");
    assertThat(one.at("/data/k").asString()).isEqualTo("v1");

    JsonNode list = kubectl.json("-n", ns, "get", "configmaps", "-l", "app");
    assertThat(list.at("/kind").asString()).isEqualTo("List");
    List<JsonNode> items = StreamSupport.stream(list.at("/items").spliterator(), false).toList();
    assertThat(items)
        .extracting(i -> i.at("/metadata/name").asString())
        .containsExactly("cm-1", "cm-2", "cm-3", "cm-4", "cm-5");
    assertThat(items)
        .allSatisfy(
            i -> {
              assertThat(i.at("/kind").asString()).isEqualTo("ConfigMap");
              assertThat(i.at("/apiVersion").asString()).isEqualTo("v1");
              assertThat(i.at("/metadata/uid").asString()).isNotBlank();
            });
    assertThat(items.get(4).at("/data/extra").asString()).isEqualTo("e");
  }

  @EachKubectl
  void allNamespaces(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = seed(kubectl, "all");

    List<List<String>> rows = table(run(kubectl, "get", "configmaps", "-A"));
    assertThat(rows.get(0)).containsExactly("NAMESPACE", "NAME", "DATA", "AGE");
    assertThat(rows)
        .filteredOn(row -> row.get(0).equals(ns))
        .extracting(row -> row.get(1))
        .containsExactly("cm-1", "cm-2", "cm-3", "cm-4", "cm-5");

    List<List<String>> namespaces = table(run(kubectl, "get", "namespaces"));
    assertThat(names(namespaces, 0)).contains("default", "kube-system", ns);

    List<String> names =
        run(kubectl, "get", "configmaps", "--all-namespaces", "-l", "app=x", "-o", "name")
            .stdout()
            .lines()
            .toList();
    assertThat(names).contains("configmap/cm-1", "configmap/cm-2").doesNotContain("configmap/cm-3");
  }

  @EachKubectl
  void labelSelector(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = seed(kubectl, "labels");

    assertThat(names(table(run(kubectl, "-n", ns, "get", "configmaps", "-l", "app=x")), 0))
        .containsExactly("cm-1", "cm-2");
    assertThat(lines(run(kubectl, "-n", ns, "get", "configmaps", "-l", "app==y", "-o", "name")))
        .containsExactly("configmap/cm-3", "configmap/cm-4", "configmap/cm-5");
    assertThat(lines(run(kubectl, "-n", ns, "get", "configmaps", "-l", "app!=x,app", "-o", "name")))
        .containsExactly("configmap/cm-3", "configmap/cm-4", "configmap/cm-5");
    assertThat(
            lines(run(kubectl, "-n", ns, "get", "configmaps", "-l", "app in (x,z)", "-o", "name")))
        .containsExactly("configmap/cm-1", "configmap/cm-2");
    assertThat(
            lines(
                run(
                    kubectl,
                    "-n",
                    ns,
                    "get",
                    "configmaps",
                    "-l",
                    "app notin (x),app",
                    "-o",
                    "name")))
        .containsExactly("configmap/cm-3", "configmap/cm-4", "configmap/cm-5");
    assertThat(lines(run(kubectl, "-n", ns, "get", "configmaps", "-l", "!app", "-o", "name")))
        .doesNotContain(
            "configmap/cm-1",
            "configmap/cm-2",
            "configmap/cm-3",
            "configmap/cm-4",
            "configmap/cm-5");

    Kubectl.Result none = run(kubectl, "-n", ns, "get", "configmaps", "-l", "app=nothing");
    assertThat(none.stdout()).isEmpty();
    assertThat(none.stderr()).contains("No resources found in " + ns + " namespace.");
  }

  @EachKubectl
  void fieldSelector(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = seed(kubectl, "fields");

    assertThat(
            names(
                table(
                    run(
                        kubectl,
                        "-n",
                        ns,
                        "get",
                        "configmaps",
                        "--field-selector",
                        "metadata.name=cm-3")),
                0))
        .containsExactly("cm-3");
    assertThat(
            lines(
                run(
                    kubectl,
                    "get",
                    "configmaps",
                    "-A",
                    "--field-selector",
                    "metadata.namespace=" + ns + ",metadata.name!=cm-1",
                    "-o",
                    "name")))
        .containsExactly("configmap/cm-2", "configmap/cm-3", "configmap/cm-4", "configmap/cm-5");

    Kubectl.Result unknown =
        kubectl.run("-n", ns, "get", "configmaps", "--field-selector", "data.k=v1");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
    assertThat(unknown.stderr())
        .contains("(BadRequest)")
        .contains("field label not supported: data.k");
  }

  @EachKubectl
  void chunkSizeReturnsEveryObject(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = seed(kubectl, "chunks");

    Kubectl.Result names =
        run(
            kubectl,
            "-n",
            ns,
            "get",
            "configmaps",
            "-l",
            "app",
            "--chunk-size=2",
            "-o",
            "name",
            "-v=6");
    assertThat(lines(names))
        .containsExactly(
            "configmap/cm-1",
            "configmap/cm-2",
            "configmap/cm-3",
            "configmap/cm-4",
            "configmap/cm-5");
    List<String> pages = limitRequests(names);
    assertThat(pages).as(names.stderr()).hasSize(3);
    assertThat(pages.subList(1, 3)).allSatisfy(q -> assertThat(q).contains("continue="));

    Kubectl.Result table =
        run(kubectl, "-n", ns, "get", "configmaps", "-l", "app", "--chunk-size=2", "-v=6");
    List<List<String>> rows = table(table);
    assertThat(rows.get(0)).containsExactly("NAME", "DATA", "AGE");
    assertThat(names(rows, 0)).containsExactly("cm-1", "cm-2", "cm-3", "cm-4", "cm-5");
    assertThat(limitRequests(table)).as(table.stderr()).hasSize(3);
  }

  private static List<String> limitRequests(Kubectl.Result r) {
    List<String> queries = new ArrayList<>();
    Matcher m = LIMIT_REQUEST.matcher(r.stderr());
    while (m.find()) {
      queries.add(m.group(1));
    }
    return queries;
  }

  /** stdout lines, for {@code -o name}. */
  private static List<String> lines(Kubectl.Result r) {
    return r.stdout().lines().toList();
  }
}
