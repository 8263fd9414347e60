package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * kubectl's typed {@code create} commands. kubectl 1.32 sends these as protobuf, 1.27 as JSON; the
 * stored objects must be the same Kubernetes JSON either way (no empty protobuf defaults leaking
 * in).
 */
class KubectlCreateTest {

  @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();

  static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
  static final String RFC3339 = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
  private static final Pattern CONTENT_TYPE_SENT =
      Pattern.compile(
          "POST https://\\S+/api/v1/namespaces\\S*\\s+.*?Content-Type: ([^\\s]+)", Pattern.DOTALL);

  @EachKubectl
  void createNamespace(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = "ns-" + binary.slug();

    Kubectl.Result created = kubectl.run("create", "namespace", ns, "-v=8");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.stdout()).isEqualTo("namespace/" + ns + " created\n");
    Matcher sent = CONTENT_TYPE_SENT.matcher(created.stderr());
    assertThat(sent.find()).as("request logged by -v=8:\n" + created.stderr()).isTrue();
    assertThat(sent.group(1)).isEqualTo(binary.minor() >= 32 ? PROTOBUF : "application/json");

    JsonNode got = kubectl.json("get", "namespace", ns);
    assertThat(got.at("/kind").asString()).isEqualTo("Namespace");
    assertThat(got.at("/apiVersion").asString()).isEqualTo("v1");
    assertThat(got.at("/metadata/name").asString()).isEqualTo(ns);
    assertThat(got.at("/metadata/uid").asString()).isNotBlank();
    assertThat(got.at("/metadata/resourceVersion").asString()).matches("\\d+");
    assertThat(got.at("/metadata/creationTimestamp").asString()).matches(RFC3339);
    // kubectl fills every optional protobuf field with its zero value; none of them may be stored.
    assertThat(got.at("/metadata").has("generateName")).isFalse();
    assertThat(got.at("/metadata").has("generation")).isFalse();
    assertThat(got.at("/metadata").has("deletionTimestamp")).isFalse();

    Kubectl.Result again = kubectl.run("create", "namespace", ns);
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.stderr())
        .contains("(AlreadyExists)")
        .contains("namespaces \"" + ns + "\" already exists");
  }

  /** What the namespace strategy and admission give every new namespace upstream. */
  @EachKubectl
  void newNamespaceIsActiveAndLabelledWithItsName(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = "active-" + binary.slug();
    assertThat(kubectl.run("create", "namespace", ns).exitCode()).isZero();

    Kubectl.Result table = kubectl.run("get", "namespace", ns);
    assertThat(table.stdout().lines().skip(1).findFirst().orElseThrow().split("\\s+"))
        .startsWith(ns, "Active");

    JsonNode got = kubectl.json("get", "namespace", ns);
    assertThat(got.at("/status/phase").asString("")).as(got.toString()).isEqualTo("Active");
    assertThat(got.at("/metadata/labels/kubernetes.io~1metadata.name").asString(""))
        .as(got.toString())
        .isEqualTo(ns);
  }

  @EachKubectl
  void typedCreatesStoreWhatWasAskedFor(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = "typed-" + binary.slug();
    String pc = "pc-" + binary.slug();
    assertThat(kubectl.run("create", "namespace", ns).exitCode()).isZero();

    ok(
        kubectl.run(
            "-n", ns, "create", "configmap", "cfg", "--from-literal=a=1", "--from-literal=b=two"),
        "configmap/cfg created");
    ok(
        kubectl.run(
            "-n", ns, "create", "secret", "generic", "sec", "--from-literal=password=s3cr3t"),
        "secret/sec created");
    ok(
        kubectl.run("-n", ns, "create", "deployment", "web", "--image=nginx:1.25", "--replicas=2"),
        "deployment.apps/web created");
    ok(
        kubectl.run("-n", ns, "create", "service", "clusterip", "svc", "--tcp=80:8080"),
        "service/svc created");
    ok(
        kubectl.run("-n", ns, "create", "job", "once", "--image=busybox", "--", "echo", "hi"),
        "job.batch/once created");
    ok(
        kubectl.run("-n", ns, "create", "quota", "q", "--hard=pods=10,requests.memory=1Gi"),
        "resourcequota/q created");
    ok(
        kubectl.run(
            "-n", ns, "create", "cronjob", "cron", "--image=busybox", "--schedule=*/5 * * * *"),
        "cronjob.batch/cron created");
    ok(
        kubectl.run("create", "priorityclass", pc, "--value=1000", "--description=e2e"),
        "priorityclass.scheduling.k8s.io/" + pc + " created");

    // Read back in one call, as a user checking their work would.
    Map<String, JsonNode> byKind = new HashMap<>();
    kubectl
        .json(
            "-n",
            ns,
            "get",
            "configmap/cfg",
            "secret/sec",
            "deployment/web",
            "service/svc",
            "job/once",
            "resourcequota/q",
            "cronjob/cron",
            "priorityclass/" + pc)
        .at("/items")
        .valueStream()
        .forEach(o -> byKind.put(o.at("/kind").asString(), o));

    JsonNode cm = byKind.get("ConfigMap");
    assertThat(cm.at("/data/a").asString()).isEqualTo("1");
    assertThat(cm.at("/data/b").asString()).isEqualTo("two");
    assertThat(cm.at("/metadata/namespace").asString()).isEqualTo(ns);

    JsonNode secret = byKind.get("Secret");
    assertThat(secret.at("/type").asString()).isEqualTo("Opaque");
    assertThat(new String(Base64.getDecoder().decode(secret.at("/data/password").asString())))
        .isEqualTo("s3cr3t");

    JsonNode deploy = byKind.get("Deployment");
    assertThat(deploy.at("/spec/replicas").isNumber()).isTrue();
    assertThat(deploy.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(deploy.at("/spec/selector/matchLabels/app").asString()).isEqualTo("web");
    assertThat(deploy.at("/spec/template/metadata/labels/app").asString()).isEqualTo("web");
    assertThat(deploy.at("/spec/template/spec/containers/0/image").asString())
        .isEqualTo("nginx:1.25");
    assertThat(deploy.at("/metadata/generation").asInt()).isEqualTo(1);

    JsonNode svc = byKind.get("Service");
    assertThat(svc.at("/spec/type").asString()).isEqualTo("ClusterIP");
    assertThat(svc.at("/spec/ports/0/port").asInt()).isEqualTo(80);
    // IntOrString: a number stays a number.
    assertThat(svc.at("/spec/ports/0/targetPort").isNumber()).as(svc.toString()).isTrue();
    assertThat(svc.at("/spec/ports/0/targetPort").asInt()).isEqualTo(8080);

    JsonNode job = byKind.get("Job");
    assertThat(job.at("/spec/template/spec/containers/0/command").toString())
        .isEqualTo("[\"echo\",\"hi\"]");
    assertThat(job.at("/spec/template/spec/restartPolicy").asString()).isEqualTo("Never");

    JsonNode quota = byKind.get("ResourceQuota");
    // Quantity: a string in JSON, whatever the wire format was.
    assertThat(quota.at("/spec/hard/pods").isString()).as(quota.toString()).isTrue();
    assertThat(quota.at("/spec/hard/pods").asString()).isEqualTo("10");
    assertThat(quota.at("/spec/hard/requests.memory").asString()).isEqualTo("1Gi");

    assertThat(byKind.get("CronJob").at("/spec/schedule").asString()).isEqualTo("*/5 * * * *");

    JsonNode priority = byKind.get("PriorityClass");
    assertThat(priority.at("/value").isNumber()).isTrue();
    assertThat(priority.at("/value").asInt()).isEqualTo(1000);
    assertThat(priority.at("/description").asString()).isEqualTo("e2e");
  }

  static void ok(Kubectl.Result r, String expectedLine) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout().lines()).as(r.toString()).containsExactly(expectedLine);
  }
}
