package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * What kube-apiserver does per kind, as kubectl shows it: defaults in a server-side dry run, the
 * scale subresource behind {@code kubectl scale}, a CustomResourceDefinition served with its printer
 * columns, and invalid objects refused with the field named.
 */
class KubectlBuiltinKindsTest {

  @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  @TempDir Path dir;

  private static Kubectl.Result ok(Kubectl kubectl, String... args) {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  private static Kubectl.Result failed(Kubectl kubectl, String... args) {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    return r;
  }

  private static String namespace(Kubectl kubectl, String scenario) {
    String ns = scenario + "-" + kubectl.binary().slug();
    ok(kubectl, "create", "namespace", ns);
    return ns;
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @EachKubectl
  void serverSideDryRunPrintsTheDefaults(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "defaults");

    String yaml =
        ok(
                kubectl,
                "-n",
                ns,
                "create",
                "deployment",
                "x",
                "--image=kvx/busybox:1.0",
                "--replicas=2",
                "--dry-run=server",
                "-o",
                "yaml")
            .stdout();
    JsonNode d = YAML.readTree(yaml);

    assertThat(d.at("/metadata/generation").asInt()).as(yaml).isEqualTo(1);
    assertThat(d.at("/metadata/uid").asString()).isNotEmpty();
    assertThat(d.at("/metadata/creationTimestamp").asString()).isNotEmpty();
    assertThat(d.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(d.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(d.at("/spec/progressDeadlineSeconds").asInt()).isEqualTo(600);
    assertThat(d.at("/spec/strategy/type").asString()).isEqualTo("RollingUpdate");
    assertThat(d.at("/spec/strategy/rollingUpdate/maxSurge").asString()).isEqualTo("25%");
    assertThat(d.at("/spec/strategy/rollingUpdate/maxUnavailable").asString()).isEqualTo("25%");

    JsonNode pod = d.at("/spec/template/spec");
    assertThat(pod.at("/restartPolicy").asString()).isEqualTo("Always");
    assertThat(pod.at("/dnsPolicy").asString()).isEqualTo("ClusterFirst");
    assertThat(pod.at("/terminationGracePeriodSeconds").asInt()).isEqualTo(30);
    assertThat(pod.at("/schedulerName").asString()).isEqualTo("default-scheduler");
    assertThat(pod.at("/securityContext").isObject()).as(yaml).isTrue();
    JsonNode container = pod.at("/containers/0");
    assertThat(container.at("/name").asString()).isEqualTo("busybox");
    assertThat(container.at("/imagePullPolicy").asString()).isEqualTo("IfNotPresent");
    assertThat(container.at("/terminationMessagePath").asString())
        .isEqualTo("/dev/termination-log");
    assertThat(container.at("/terminationMessagePolicy").asString()).isEqualTo("File");
    assertThat(container.at("/resources").isObject()).as(yaml).isTrue();
    // The YAML kubectl prints is what upstream prints: the defaults appear as plain fields.
    assertThat(yaml)
        .contains("  revisionHistoryLimit: 10\n")
        .contains("      maxSurge: 25%\n")
        .contains("      dnsPolicy: ClusterFirst\n");

    // A dry run stores nothing.
    Kubectl.Result get = failed(kubectl, "-n", ns, "get", "deployment", "x");
    assertThat(get.stderr()).contains("deployments.apps \"x\" not found");

    // The pull policy follows the tag: latest (or none) pulls Always.
    JsonNode latest =
        kubectl.json(
            "-n",
            ns,
            "create",
            "deployment",
            "y",
            "--image=kvx/busybox",
            "--dry-run=server");
    assertThat(latest.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(latest.at("/spec/template/spec/containers/0/imagePullPolicy").asString())
        .isEqualTo("Always");
  }

  @EachKubectl
  void scaleGoesThroughTheScaleSubresource(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "scale");
    ok(kubectl, "-n", ns, "create", "deployment", "web", "--image=kvx/busybox:1.0", "--replicas=2");

    assertThat(ok(kubectl, "-n", ns, "scale", "deployment", "web", "--replicas=3").stdout())
        .isEqualTo("deployment.apps/web scaled\n");
    assertThat(
            ok(kubectl, "-n", ns, "get", "deployment", "web", "-o", "jsonpath={.spec.replicas}")
                .stdout())
        .isEqualTo("3");
    JsonNode scale =
        YAML.readTree(
            ok(kubectl, "get", "--raw", "/apis/apps/v1/namespaces/" + ns + "/deployments/web/scale")
                .stdout());
    assertThat(scale.at("/apiVersion").asString()).isEqualTo("autoscaling/v1");
    assertThat(scale.at("/kind").asString()).isEqualTo("Scale");
    assertThat(scale.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(scale.at("/status/selector").asString()).isEqualTo("app=web");

    // --current-replicas is a precondition kubectl checks against the Scale it reads.
    Kubectl.Result stale =
        failed(
            kubectl, "-n", ns, "scale", "deployment", "web", "--current-replicas=2", "--replicas=1");
    assertThat(stale.stderr()).contains("Expected replicas to be 2, was 3");
    assertThat(
            ok(kubectl, "-n", ns, "get", "deployment", "web", "-o", "jsonpath={.spec.replicas}")
                .stdout())
        .isEqualTo("3");

    Kubectl.Result negative =
        kubectl.run("-n", ns, "scale", "deployment", "web", "--replicas=-1");
    assertThat(negative.exitCode()).as(negative.toString()).isNotZero();
    assertThat(negative.stderr()).contains("--replicas=COUNT");
  }

  @EachKubectl
  void customResourcesAreServedWithTheirPrinterColumns(KubectlBinary binary) throws IOException {
    Kubectl kubectl = server.kubectl(binary);
    // Each kubectl release gets its own group and names: the tests run in parallel on one server,
    // and a plural served by two groups would be ambiguous.
    String slug = binary.slug();
    String group = "columns" + slug + ".kvx.example";
    String plural = "widgets" + slug;
    Path crd =
        file(
            "crd.yaml",
            """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgetsSLUG.GROUP
            spec:
              group: GROUP
              names: {kind: Widget, plural: widgetsSLUG, singular: widgetSLUG, shortNames: [wdSLUG]}
              scope: Namespaced
              versions:
              - name: v1
                served: true
                storage: true
                subresources:
                  status: {}
                  scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
                additionalPrinterColumns:
                - {name: Size, type: integer, jsonPath: .spec.size}
                - {name: Color, type: string, jsonPath: .spec.color}
                - {name: Replicas, type: integer, jsonPath: .spec.replicas}
                - {name: Shape, type: string, jsonPath: .spec.shape, priority: 1}
                - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        required: [size]
                        properties:
                          size: {type: integer, minimum: 1}
                          color: {type: string, enum: [red, green, blue]}
                          shape: {type: string}
                          replicas: {type: integer}
                      status:
                        type: object
                        properties:
                          replicas: {type: integer}
            """
                .replace("GROUP", group)
                .replace("SLUG", slug));
    Path widgets =
        file(
            "widgets.yaml",
            """
            apiVersion: GROUP/v1
            kind: Widget
            metadata: {name: small}
            spec: {size: 1, color: red, shape: round, replicas: 1}
            ---
            apiVersion: GROUP/v1
            kind: Widget
            metadata: {name: large}
            spec: {size: 10, color: blue, shape: square, replicas: 2}
            """
                .replace("GROUP", group));

    assertThat(ok(kubectl, "apply", "-f", crd.toString()).stdout())
        .isEqualTo(
            "customresourcedefinition.apiextensions.k8s.io/" + plural + "." + group + " created\n");
    ok(kubectl, "wait", "--for=condition=Established", "crd/" + plural + "." + group, "--timeout=60s");
    String ns = namespace(kubectl, "columns");
    assertThat(ok(kubectl, "-n", ns, "apply", "-f", widgets.toString()).stdout())
        .isEqualTo("widget." + group + "/small created\nwidget." + group + "/large created\n");

    List<List<String>> table = rows(ok(kubectl, "-n", ns, "get", plural).stdout());
    assertThat(table.get(0)).containsExactly("NAME", "SIZE", "COLOR", "REPLICAS", "AGE");
    assertThat(table.subList(1, table.size()))
        .extracting(row -> row.subList(0, 4))
        .containsExactly(List.of("large", "10", "blue", "2"), List.of("small", "1", "red", "1"));
    assertThat(table.get(1).get(4)).matches("\\d+s");

    // Priority-1 columns appear with -o wide; the short name finds the same resource.
    List<List<String>> wide = rows(ok(kubectl, "-n", ns, "get", "wd" + slug, "-o", "wide").stdout());
    assertThat(wide.get(0)).containsExactly("NAME", "SIZE", "COLOR", "REPLICAS", "SHAPE", "AGE");
    assertThat(wide.get(2).subList(0, 5)).containsExactly("small", "1", "red", "1", "round");

    // kubectl scale works on the CRD's scale subresource.
    assertThat(ok(kubectl, "-n", ns, "scale", plural, "small", "--replicas=4").stdout())
        .isEqualTo("widget." + group + "/small scaled\n");
    assertThat(
            ok(kubectl, "-n", ns, "get", plural, "small", "-o", "jsonpath={.spec.replicas}")
                .stdout())
        .isEqualTo("4");

    // Objects are checked against the schema; the error names the field.
    Path bad =
        file(
            "bad.yaml",
            """
            apiVersion: GROUP/v1
            kind: Widget
            metadata: {name: bad}
            spec: {size: 0, color: purple}
            """
                .replace("GROUP", group));
    Kubectl.Result refused = failed(kubectl, "-n", ns, "apply", "-f", bad.toString());
    assertThat(refused.stderr())
        .contains("The Widget \"bad\" is invalid")
        .contains("spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1")
        .contains("spec.color: Unsupported value: \"purple\"");
    assertThat(ok(kubectl, "-n", ns, "get", plural, "-o", "name").stdout())
        .doesNotContain("bad");

    // Deleting the CRD deletes its objects and stops serving the resource.
    ok(kubectl, "delete", "-f", crd.toString(), "--timeout=60s");
    Kubectl.Result gone = failed(kubectl, "-n", ns, "get", plural + "." + group);
    assertThat(gone.stderr())
        .contains("the server doesn't have a resource type \"" + plural + "\"");
  }

  @EachKubectl
  void invalidBuiltinObjectsNameTheField(KubectlBinary binary) throws IOException {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "invalid");
    Path mismatched =
        file(
            "mismatched.yaml",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: mismatched}
            spec:
              replicas: -1
              selector: {matchLabels: {app: a}}
              template:
                metadata: {labels: {app: b}}
                spec:
                  containers:
                  - {name: c, image: kvx/busybox:1.0}
                  - {name: c, image: kvx/busybox:1.0}
            """);
    Kubectl.Result refused = failed(kubectl, "-n", ns, "apply", "-f", mismatched.toString());
    assertThat(refused.stderr())
        .contains("The Deployment \"mismatched\" is invalid")
        .contains("spec.replicas: Invalid value: -1: must be greater than or equal to 0")
        .contains("spec.template.metadata.labels: Invalid value:")
        .contains("`selector` does not match template `labels`")
        .contains("spec.template.spec.containers[1].name: Duplicate value: \"c\"");
    assertThat(ok(kubectl, "-n", ns, "get", "deployments", "-o", "name").stdout()).isEmpty();
  }

  /** The cells of kubectl's table output, a row per line, split on runs of spaces. */
  private static List<List<String>> rows(String table) {
    return table.lines().map(line -> Arrays.asList(line.trim().split("\\s{2,}"))).toList();
  }
}
