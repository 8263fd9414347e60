package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The declarative workflow of issue 4 with real kubectl and no {@code --validate=false}:
 * client-side apply (three-way strategic merge), server-side apply with field ownership, conflicts
 * and the client-side → server-side migration, pruning, diff, server dry-run, edit, explain from
 * the OpenAPI v3 documents, managedFields, custom resources, and dryRun=All through fabric8.
 *
 * <p>One server for the class; every scenario works in its own namespace (and its own CRD group),
 * named after the kubectl release, so releases and scenarios never see each other's objects.
 */
class KubectlApplyTest {

  @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern PRUNE_LIST =
      // "GET https://…" up to 1.32, "verb="GET" url="https://…"" from 1.33.
      Pattern.compile("GET(?:\" url=\"| )https://[^/\\s\"]+(/[^\\s?\"]+)\\?labelSelector=");

  @TempDir Path dir;

  /** The first version of a Deployment: two replicas, one container with two env vars. */
  private static final String WEB_V1 =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels: {app: web}
      spec:
        replicas: 2
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: main
              image: nginx:1.25
              env:
              - {name: A, value: "1"}
              - {name: B, value: "2"}
      """;

  /** v1 with a changed image, an added container, env var B removed and three replicas. */
  private static final String WEB_V2 =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels: {app: web}
      spec:
        replicas: 3
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: main
              image: nginx:1.26
              env:
              - {name: A, value: "1"}
            - name: side
              image: busybox:1.36
              command: [sleep, "3600"]
      """;

  /** A second container, appended to the containers of {@link #WEB_V1}. */
  private static final String SIDE_CONTAINER =
      """
            - name: side
              image: busybox:1.36
              command: [sleep, "3600"]
      """;

  // ---- helpers ----

  /** Applies {@code yaml} client-side to an existing object and returns the live object. */
  private JsonNode applyConfigured(Kubectl kubectl, String ns, String name, String yaml) {
    Path f = file(name, yaml);
    assertThat(ok(kubectl, "-n", ns, "apply", "-f", f.toString()).stdout())
        .isEqualTo("deployment.apps/web configured\n");
    return get(kubectl, ns, "deployment", "web");
  }

  private static Kubectl.Result ok(Kubectl kubectl, String... args) {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  private static String namespace(Kubectl kubectl, String scenario) {
    String ns = "apply-" + scenario + "-" + kubectl.binary().slug();
    ok(kubectl, "create", "namespace", ns);
    return ns;
  }

  private Path file(String name, String yaml) {
    try {
      return Files.writeString(dir.resolve(name), yaml);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode get(Kubectl kubectl, String ns, String resource, String name) {
    return kubectl.json("-n", ns, "get", resource, name, "--show-managed-fields");
  }

  private static String rv(JsonNode obj) {
    return obj.at("/metadata/resourceVersion").asString();
  }

  private static List<String> names(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.path("name").asString()));
    return out;
  }

  /** The managedFields entry of {@code manager} with {@code operation}, or a missing node. */
  private static JsonNode managed(JsonNode obj, String manager, String operation) {
    for (JsonNode e : obj.at("/metadata/managedFields")) {
      if (manager.equals(e.path("manager").asString())
          && operation.equals(e.path("operation").asString())) {
        return e.path("fieldsV1");
      }
    }
    return obj.path("no such managedFields entry: " + manager + "/" + operation);
  }

  private static List<String> managers(JsonNode obj) {
    List<String> out = new ArrayList<>();
    obj.at("/metadata/managedFields")
        .forEach(e -> out.add(e.path("manager").asString() + "/" + e.path("operation").asString()));
    return out;
  }

  private static JsonNode containerFields(JsonNode fieldsV1, String container) {
    return fieldsV1
        .path("f:spec")
        .path("f:template")
        .path("f:spec")
        .path("f:containers")
        .path("k:{\"name\":\"" + container + "\"}");
  }

  // ---- client-side apply ----

  @EachKubectl
  void clientSideApplyCreatesThenMergesChanges(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "csa");

    assertThat(
            ok(kubectl, "-n", ns, "apply", "-f", file("web-v1.yaml", WEB_V1).toString()).stdout())
        .isEqualTo("deployment.apps/web created\n");
    JsonNode created = get(kubectl, ns, "deployment", "web");
    assertThat(created.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(names(created.at("/spec/template/spec/containers"))).containsExactly("main");
    assertThat(names(created.at("/spec/template/spec/containers/0/env"))).containsExactly("A", "B");
    assertThat(
            created
                .at("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration")
                .asString())
        .contains("\"image\":\"nginx:1.25\"");
    assertThat(created.at("/metadata/generation").asInt()).isEqualTo(1);

    // One change per apply, each a three-way strategic merge patch checked on the live object.
    String image = WEB_V1.replace("nginx:1.25", "nginx:1.26");
    JsonNode live = applyConfigured(kubectl, ns, "image.yaml", image);
    assertThat(live.at("/spec/template/spec/containers/0/image").asString())
        .isEqualTo("nginx:1.26");
    assertThat(names(live.at("/spec/template/spec/containers/0/env"))).containsExactly("A", "B");

    String added = image + SIDE_CONTAINER;
    live = applyConfigured(kubectl, ns, "added.yaml", added);
    JsonNode containers = live.at("/spec/template/spec/containers");
    assertThat(names(containers)).containsExactly("main", "side");
    assertThat(containers.at("/1/command").toString()).isEqualTo("[\"sleep\",\"3600\"]");
    // Server defaults reach the added container and survive on the kept one.
    assertThat(containers.at("/1/terminationMessagePath").asString())
        .isEqualTo("/dev/termination-log");
    assertThat(containers.at("/0/imagePullPolicy").asString()).isEqualTo("IfNotPresent");

    String removed = added.replace("        - {name: B, value: \"2\"}\n", "");
    live = applyConfigured(kubectl, ns, "removed.yaml", removed);
    assertThat(names(live.at("/spec/template/spec/containers/0/env"))).containsExactly("A");
    assertThat(names(live.at("/spec/template/spec/containers"))).containsExactly("main", "side");

    String scaled = removed.replace("replicas: 2", "replicas: 3");
    live = applyConfigured(kubectl, ns, "scaled.yaml", scaled);
    assertThat(live.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(live.at("/spec/template/spec/containers/0/image").asString())
        .isEqualTo("nginx:1.26");
    assertThat(live.at("/spec/strategy/type").asString()).isEqualTo("RollingUpdate");
    // Three template changes, one replica change: generation counts spec changes.
    assertThat(live.at("/metadata/generation").asInt()).isEqualTo(5);
    JsonNode updated = live;
    Path v2 = file("web-v2.yaml", scaled);

    // managedFields: hidden unless asked for; the client-side apply manager owns what it sent.
    JsonNode plain = kubectl.json("-n", ns, "get", "deployment", "web");
    assertThat(plain.at("/metadata").has("managedFields")).isFalse();
    assertThat(managers(updated)).containsExactly("kubectl-client-side-apply/Update");
    JsonNode owned = managed(updated, "kubectl-client-side-apply", "Update");
    assertThat(owned.at("/f:spec/f:replicas").isObject()).as(owned.toString()).isTrue();
    assertThat(containerFields(owned, "side").has("f:image")).as(owned.toString()).isTrue();
    // As upstream, where defaulting happens while decoding: the writer owns the defaults too.
    assertThat(containerFields(owned, "side").has("f:imagePullPolicy"))
        .as(owned.toString())
        .isTrue();
    assertThat(owned.at("/f:spec/f:strategy/f:type").isObject()).as(owned.toString()).isTrue();
    assertThat(containerFields(owned, "main").path("f:env").has("k:{\"name\":\"B\"}"))
        .as("B was removed, so nobody owns it: " + owned)
        .isFalse();
    Kubectl.Result yaml =
        ok(kubectl, "-n", ns, "get", "deployment", "web", "-o", "yaml", "--show-managed-fields");
    assertThat(yaml.stdout())
        .contains("manager: kubectl-client-side-apply", "fieldsType: FieldsV1");

    // The same file again: an empty patch, no write.
    assertThat(ok(kubectl, "-n", ns, "apply", "-f", v2.toString()).stdout())
        .isEqualTo("deployment.apps/web unchanged\n");
    assertThat(rv(get(kubectl, ns, "deployment", "web"))).isEqualTo(rv(updated));

    // A field the schema does not know is refused by the server (kubectl validates there).
    Path typo = file("typo.yaml", WEB_V2.replace("replicas: 3", "replcas: 3"));
    Kubectl.Result refused = kubectl.run("-n", ns, "apply", "-f", typo.toString());
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.stderr()).contains("strict decoding error: unknown field \"spec.replcas\"");
  }

  // ---- server-side apply ----

  @EachKubectl
  void serverSideApplyReportsConflictsUntilForced(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "ssa");
    String blue =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cfg}
        data: {color: blue, size: large, shape: round}
        """;
    Path mine = file("cfg.yaml", blue);
    Path theirs = file("cfg-red.yaml", blue.replace(", shape: round", "").replace("blue", "red"));

    assertThat(ok(kubectl, "-n", ns, "apply", "--server-side", "-f", mine.toString()).stdout())
        .isEqualTo("configmap/cfg serverside-applied\n");
    JsonNode applied = get(kubectl, ns, "configmap", "cfg");
    assertThat(managers(applied)).containsExactly("kubectl/Apply");
    assertThat(applied.at("/metadata/managedFields/0/time").asString())
        .matches(KubectlCreateTest.RFC3339);
    // Applying the same configuration again changes nothing.
    ok(kubectl, "-n", ns, "apply", "--server-side", "-f", mine.toString());
    assertThat(rv(get(kubectl, ns, "configmap", "cfg"))).isEqualTo(rv(applied));

    Kubectl.Result conflict =
        kubectl.run(
            "-n", ns, "apply", "--server-side", "--field-manager=other", "-f", theirs.toString());
    assertThat(conflict.exitCode()).as(conflict.toString()).isEqualTo(1);
    assertThat(conflict.stderr())
        .startsWith("error: Apply failed with 1 conflict: conflict with \"kubectl\": .data.color\n")
        .contains("--force-conflicts");
    assertThat(get(kubectl, ns, "configmap", "cfg").at("/data/color").asString()).isEqualTo("blue");

    assertThat(
            ok(
                    kubectl,
                    "-n",
                    ns,
                    "apply",
                    "--server-side",
                    "--field-manager=other",
                    "--force-conflicts",
                    "-f",
                    theirs.toString())
                .stdout())
        .isEqualTo("configmap/cfg serverside-applied\n");
    JsonNode forced = get(kubectl, ns, "configmap", "cfg");
    assertThat(forced.at("/data/color").asString()).isEqualTo("red");
    // The forced field moved to "other"; the field both applied with the same value is shared.
    assertThat(managed(forced, "kubectl", "Apply").at("/f:data").propertyNames())
        .containsExactlyInAnyOrder("f:size", "f:shape");
    assertThat(managed(forced, "other", "Apply").at("/f:data").propertyNames())
        .containsExactlyInAnyOrder("f:color", "f:size");

    // kubectl stops applying "shape" (only it owned it: removed) and "size" (shared: kept).
    Path fewer =
        file(
            "cfg-fewer.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {color: red}\n");
    Kubectl.Result reclaim =
        kubectl.run("-n", ns, "apply", "--server-side", "-f", fewer.toString());
    assertThat(reclaim.exitCode()).as(reclaim.toString()).isZero();
    JsonNode fewerLive = get(kubectl, ns, "configmap", "cfg");
    assertThat(fewerLive.at("/data").propertyNames()).containsExactlyInAnyOrder("color", "size");
    assertThat(managed(fewerLive, "kubectl", "Apply").at("/f:data").propertyNames())
        .containsExactly("f:color");
  }

  /** kubectl apply, then apply --server-side of the same file: migrates ownership cleanly. */
  @EachKubectl
  void clientSideToServerSideMigration(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "migrate");
    Path v1 = file("web-v1.yaml", WEB_V1);
    Path v2 = file("web-v2.yaml", WEB_V2);
    ok(kubectl, "-n", ns, "apply", "-f", v2.toString());

    Kubectl.Result migrated = ok(kubectl, "-n", ns, "apply", "--server-side", "-f", v2.toString());
    assertThat(migrated.stdout()).isEqualTo("deployment.apps/web serverside-applied\n");
    assertThat(migrated.stderr()).as("no conflict, no migration warning").isEmpty();
    JsonNode live = get(kubectl, ns, "deployment", "web");
    assertThat(managers(live)).doesNotContain("kubectl-client-side-apply/Update");
    assertThat(containerFields(managed(live, "kubectl", "Apply"), "side").isObject())
        .as(live.at("/metadata/managedFields").toString())
        .isTrue();

    // The same file once more is a no-op.
    assertThat(ok(kubectl, "-n", ns, "apply", "--server-side", "-f", v2.toString()).stdout())
        .isEqualTo("deployment.apps/web serverside-applied\n");
    assertThat(rv(get(kubectl, ns, "deployment", "web"))).isEqualTo(rv(live));

    // Ownership really moved: dropping the side container from the file removes it.
    ok(kubectl, "-n", ns, "apply", "--server-side", "-f", v1.toString());
    JsonNode back = get(kubectl, ns, "deployment", "web");
    assertThat(names(back.at("/spec/template/spec/containers"))).containsExactly("main");
    assertThat(names(back.at("/spec/template/spec/containers/0/env"))).containsExactly("A", "B");
    assertThat(back.at("/spec/replicas").asInt()).isEqualTo(2);
    // The server keeps the client-side annotation in step for later client-side applies.
    assertThat(
            back.at("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration")
                .asString())
        .contains("\"replicas\":2")
        .doesNotContain("side");
  }

  // ---- prune ----

  @EachKubectl
  void pruneDeletesWhatLeftTheFile(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "prune");
    String set = "set=prune-" + binary.slug();
    String p1 =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p1, labels: {set: prune-"
            + binary.slug()
            + "}}\ndata: {a: \"1\"}\n";
    String all =
        p1
            + "---\n"
            + p1.replace("p1", "p2")
            + "---\napiVersion: v1\nkind: Service\nmetadata: {name: psvc, labels: {set: prune-"
            + binary.slug()
            + "}}\nspec:\n  selector: {app: x}\n  ports: [{port: 80}]\n";
    Path allFile = file("all.yaml", all);
    Path oneFile = file("one.yaml", p1);
    // Not selected by the label: never pruned.
    ok(kubectl, "-n", ns, "create", "configmap", "unlabelled", "--from-literal=k=v");

    assertThat(
            ok(kubectl, "-n", ns, "apply", "--prune", "-l", set, "-f", allFile.toString()).stdout())
        .isEqualTo("configmap/p1 created\nconfigmap/p2 created\nservice/psvc created\n");

    // The default allowlist prunes both kinds. 1.27 and 1.32 list the same kinds: the namespaced
    // ones in the namespace applied to, Namespaces and PersistentVolumes cluster-wide.
    Kubectl.Result pruned =
        ok(kubectl, "-n", ns, "apply", "--prune", "-l", set, "-f", oneFile.toString(), "-v=6");
    assertThat(pruned.stdout())
        .isEqualTo("configmap/p1 unchanged\nconfigmap/p2 pruned\nservice/psvc pruned\n");
    String in = "namespaces/" + ns + "/";
    assertThat(prunedLists(pruned))
        .containsExactlyInAnyOrder(
            "/api/v1/" + in + "configmaps",
            "/api/v1/" + in + "endpoints",
            "/api/v1/" + in + "persistentvolumeclaims",
            "/api/v1/" + in + "pods",
            "/api/v1/" + in + "replicationcontrollers",
            "/api/v1/" + in + "secrets",
            "/api/v1/" + in + "services",
            "/apis/batch/v1/" + in + "jobs",
            "/apis/batch/v1/" + in + "cronjobs",
            "/apis/networking.k8s.io/v1/" + in + "ingresses",
            "/apis/apps/v1/" + in + "daemonsets",
            "/apis/apps/v1/" + in + "deployments",
            "/apis/apps/v1/" + in + "replicasets",
            "/apis/apps/v1/" + in + "statefulsets",
            "/api/v1/namespaces",
            "/api/v1/persistentvolumes");
    assertThat(ok(kubectl, "-n", ns, "get", "configmaps,services", "-o", "name").stdout())
        .isEqualTo("configmap/p1\nconfigmap/unlabelled\n");

    // With an explicit allowlist only the listed kinds are pruned (1.27 and 1.32 both know
    // --prune-allowlist; --prune-whitelist is its deprecated name).
    ok(kubectl, "-n", ns, "apply", "--prune", "-l", set, "-f", allFile.toString());
    Kubectl.Result allowlisted =
        ok(
            kubectl,
            "-n",
            ns,
            "apply",
            "--prune",
            "-l",
            set,
            "--prune-allowlist=core/v1/ConfigMap",
            "-f",
            oneFile.toString(),
            "-v=6");
    assertThat(allowlisted.stdout()).isEqualTo("configmap/p1 unchanged\nconfigmap/p2 pruned\n");
    assertThat(prunedLists(allowlisted)).containsExactly("/api/v1/" + in + "configmaps");
    assertThat(ok(kubectl, "-n", ns, "get", "configmaps,services", "-o", "name").stdout())
        .isEqualTo("configmap/p1\nconfigmap/unlabelled\nservice/psvc\n");
  }

  /** The lists a pruning apply made, from its {@code -v=6} request log. */
  private static List<String> prunedLists(Kubectl.Result r) {
    Matcher m = PRUNE_LIST.matcher(r.stderr());
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  // ---- diff and server dry-run ----

  @EachKubectl
  void diffExitCodes(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "diff");
    Path v1 = file("web-v1.yaml", WEB_V1);
    Path v2 = file("web-v2.yaml", WEB_V2);
    ok(kubectl, "-n", ns, "apply", "-f", v1.toString());
    String before = rv(get(kubectl, ns, "deployment", "web"));

    Kubectl.Result same = kubectl.run("-n", ns, "diff", "-f", v1.toString());
    assertThat(same.exitCode()).as(same.toString()).isZero();
    assertThat(same.stdout()).isEmpty();

    Kubectl.Result changed = kubectl.run("-n", ns, "diff", "-f", v2.toString());
    assertThat(changed.exitCode()).as(changed.toString()).isEqualTo(1);
    assertThat(changed.stdout())
        .contains("-  replicas: 2\n", "+  replicas: 3\n")
        .contains("-        image: nginx:1.25\n", "+        image: nginx:1.26\n")
        .contains("+        image: busybox:1.36\n")
        .contains("-        - name: B\n")
        // The merged side is what the server would store: defaulted, generation bumped.
        .contains("+        imagePullPolicy: IfNotPresent\n", "+  generation: 2\n");

    // A new object diffs against nothing; the dry-run create stores nothing.
    Path fresh =
        file(
            "fresh.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fresh}\ndata: {k: v}\n");
    Kubectl.Result created = kubectl.run("-n", ns, "diff", "-f", fresh.toString());
    assertThat(created.exitCode()).as(created.toString()).isEqualTo(1);
    assertThat(created.stdout()).contains("+  name: fresh\n", "+  k: v\n");
    assertThat(kubectl.run("-n", ns, "get", "configmap", "fresh").exitCode()).isEqualTo(1);
    assertThat(rv(get(kubectl, ns, "deployment", "web"))).isEqualTo(before);
  }

  @EachKubectl
  void serverDryRunStoresNothing(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "dryrun");
    Path v1 = file("web-v1.yaml", WEB_V1);
    Path v2 = file("web-v2.yaml", WEB_V2);
    Path cm =
        file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: v}\n");

    assertThat(ok(kubectl, "-n", ns, "apply", "--dry-run=server", "-f", v1.toString()).stdout())
        .isEqualTo("deployment.apps/web created (server dry run)\n");
    assertThat(kubectl.run("-n", ns, "get", "deployment", "web").exitCode()).isEqualTo(1);

    ok(kubectl, "-n", ns, "apply", "-f", v1.toString());
    String before = rv(get(kubectl, ns, "deployment", "web"));
    Kubectl.Result update =
        ok(kubectl, "-n", ns, "apply", "--dry-run=server", "-f", v2.toString(), "-o", "json");
    // The answer is what would be stored …
    assertThat(update.stdout()).contains("\"replicas\": 3", "\"image\": \"nginx:1.26\"");
    // … but nothing was.
    JsonNode after = get(kubectl, ns, "deployment", "web");
    assertThat(rv(after)).isEqualTo(before);
    assertThat(after.at("/spec/replicas").asInt()).isEqualTo(2);

    assertThat(
            ok(kubectl, "-n", ns, "apply", "--server-side", "--dry-run=server", "-f", cm.toString())
                .stdout())
        .isEqualTo("configmap/x serverside-applied (server dry run)\n");
    assertThat(kubectl.run("-n", ns, "get", "configmap", "x").exitCode()).isEqualTo(1);
    ok(kubectl, "-n", ns, "apply", "--server-side", "--dry-run=server", "-f", v2.toString());
    assertThat(rv(get(kubectl, ns, "deployment", "web"))).isEqualTo(before);

    assertThat(ok(kubectl, "-n", ns, "delete", "--dry-run=server", "deployment", "web").stdout())
        .isEqualTo("deployment.apps \"web\" deleted (server dry run)\n");
    assertThat(rv(get(kubectl, ns, "deployment", "web"))).isEqualTo(before);
  }

  // ---- edit and explain ----

  @EachKubectl
  void editWithKubeEditor(KubectlBinary binary) throws IOException {
    Path editor =
        script(
            "editor.sh",
            "#!/bin/sh\n"
                + "sed -i -e 's/nginx:1.26/nginx:1.27/' -e 's/replicas: 3/replicas: 4/' \"$1\"\n");
    Kubectl kubectl = server.kubectl(withEditor(binary, editor));
    String ns = namespace(kubectl, "edit");
    ok(kubectl, "-n", ns, "apply", "-f", file("web-v2.yaml", WEB_V2).toString());

    assertThat(ok(kubectl, "-n", ns, "edit", "deployment", "web").stdout())
        .isEqualTo("deployment.apps/web edited\n");
    JsonNode edited = get(kubectl, ns, "deployment", "web");
    assertThat(edited.at("/spec/template/spec/containers/0/image").asString())
        .isEqualTo("nginx:1.27");
    assertThat(edited.at("/spec/replicas").asInt()).isEqualTo(4);
    assertThat(names(edited.at("/spec/template/spec/containers"))).containsExactly("main", "side");
    assertThat(managed(edited, "kubectl-edit", "Update").at("/f:spec").propertyNames())
        .contains("f:replicas");

    // An editor that changes nothing: kubectl says so and writes nothing.
    Kubectl unchanged = server.kubectl(withEditor(binary, script("noop.sh", "#!/bin/sh\ntrue\n")));
    Kubectl.Result cancelled = ok(unchanged, "-n", ns, "edit", "deployment", "web");
    assertThat(cancelled.output()).contains("Edit cancelled, no changes made.");
    assertThat(rv(get(kubectl, ns, "deployment", "web"))).isEqualTo(rv(edited));
  }

  private Path script(String name, String text) throws IOException {
    Path p = file(name, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  /** A kubectl that edits with {@code editor}: a wrapper script setting KUBE_EDITOR. */
  private KubectlBinary withEditor(KubectlBinary binary, Path editor) throws IOException {
    RequiredTools.require(
        binary.installed(), "kubectl " + binary.version() + " (" + binary.path() + ")");
    Path wrapper =
        script(
            "kubectl-" + editor.getFileName(),
            "#!/bin/sh\nKUBE_EDITOR='" + editor + "' exec '" + binary.path() + "' \"$@\"\n");
    return new KubectlBinary(binary.version(), wrapper);
  }

  @EachKubectl
  void explainReadsOpenApiV3(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    Kubectl.Result explained = ok(kubectl, "explain", "deployment.spec.strategy");
    assertThat(explained.stdout())
        .startsWith("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\n")
        .contains("FIELD: strategy <DeploymentStrategy>\n")
        .contains("DESCRIPTION:\n")
        .contains("FIELDS:\n  rollingUpdate\t<RollingUpdateDeployment>\n")
        .contains("  type\t<string>\n");
    Kubectl.Result missing = kubectl.run("explain", "deployment.spec.nosuchfield");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr()).contains("field \"nosuchfield\" does not exist");
  }

  // ---- custom resources ----

  @EachKubectl
  void customResourcesApplyTwiceAsNoOp(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String group = "apply" + binary.slug() + ".kvx.example";
    Path crd =
        file(
            "crd.yaml",
            """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: gadgets.GROUP
            spec:
              group: GROUP
              names: {kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList}
              scope: Namespaced
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    description: A gadget for tests.
                    properties:
                      spec:
                        type: object
                        description: What the gadget should be.
                        properties:
                          size: {type: integer, description: How big the gadget is.}
                          color: {type: string}
                          parts:
                            type: array
                            x-kubernetes-list-type: map
                            x-kubernetes-list-map-keys: [name]
                            items:
                              type: object
                              required: [name]
                              properties:
                                name: {type: string}
                                count: {type: integer}
            """
                .replace("GROUP", group));
    Path gadgets =
        file(
            "gadgets.yaml",
            """
            apiVersion: GROUP/v1
            kind: Gadget
            metadata: {name: g1}
            spec:
              size: 3
              color: red
              parts: [{name: a, count: 1}, {name: b, count: 2}]
            ---
            apiVersion: GROUP/v1
            kind: Gadget
            metadata: {name: g2}
            spec: {size: 1}
            """
                .replace("GROUP", group));

    assertThat(ok(kubectl, "apply", "-f", crd.toString()).stdout())
        .isEqualTo("customresourcedefinition.apiextensions.k8s.io/gadgets." + group + " created\n");
    ok(kubectl, "wait", "--for=condition=Established", "crd/gadgets." + group, "--timeout=60s");
    assertThat(ok(kubectl, "apply", "-f", crd.toString()).stdout())
        .isEqualTo(
            "customresourcedefinition.apiextensions.k8s.io/gadgets." + group + " unchanged\n");
    String ns = namespace(kubectl, "crd");
    String resource = "gadgets." + group;

    assertThat(ok(kubectl, "-n", ns, "apply", "-f", gadgets.toString()).stdout())
        .isEqualTo("gadget." + group + "/g1 created\ngadget." + group + "/g2 created\n");
    String g1 = rv(get(kubectl, ns, resource, "g1"));
    String g2 = rv(get(kubectl, ns, resource, "g2"));
    assertThat(ok(kubectl, "-n", ns, "apply", "-f", gadgets.toString()).stdout())
        .isEqualTo("gadget." + group + "/g1 unchanged\ngadget." + group + "/g2 unchanged\n");
    assertThat(rv(get(kubectl, ns, resource, "g1"))).isEqualTo(g1);
    assertThat(rv(get(kubectl, ns, resource, "g2"))).isEqualTo(g2);

    // Server-side: the first apply takes ownership (a write), the second changes nothing.
    ok(kubectl, "-n", ns, "apply", "--server-side", "-f", gadgets.toString());
    String ssa = rv(get(kubectl, ns, resource, "g1"));
    assertThat(ok(kubectl, "-n", ns, "apply", "--server-side", "-f", gadgets.toString()).stdout())
        .isEqualTo(
            "gadget."
                + group
                + "/g1 serverside-applied\ngadget."
                + group
                + "/g2 serverside-applied\n");
    assertThat(rv(get(kubectl, ns, resource, "g1"))).isEqualTo(ssa);

    // The schema's list-map keys merge another manager's parts into the list by name.
    Path more =
        file(
            "more-parts.yaml",
            "apiVersion: "
                + group
                + "/v1\n"
                + "kind: Gadget\n"
                + "metadata: {name: g1}\n"
                + "spec:\n"
                + "  parts: [{name: c, count: 3}]\n");
    ok(kubectl, "-n", ns, "apply", "--server-side", "--field-manager=parts", "-f", more.toString());
    assertThat(names(get(kubectl, ns, resource, "g1").at("/spec/parts")))
        .containsExactly("a", "b", "c");

    Kubectl.Result explained =
        ok(kubectl, "explain", "gadgets.spec", "--api-version=" + group + "/v1");
    assertThat(explained.stdout())
        .contains("KIND:       Gadget\n", "FIELD: spec <Object>\n")
        .contains("    What the gadget should be.\n")
        .contains("  size\t<integer>\n    How big the gadget is.\n")
        .contains("  parts\t<[]Object>\n");
  }

  // ---- dryRun=All through fabric8 ----

  @Test
  void dryRunAllThroughFabric8StoresNothing() throws IOException {
    Config config = Config.fromKubeconfig(Files.readString(server.kubeconfig()));
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      String ns = "apply-fabric8-dryrun";
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
      ConfigMap live =
          client
              .configMaps()
              .inNamespace(ns)
              .resource(
                  new ConfigMapBuilder()
                      .withNewMetadata()
                      .withName("live")
                      .endMetadata()
                      .withData(Map.of("k", "v"))
                      .build())
              .create();
      String revision = revision(client, ns);

      // create: the answer is the object as it would be stored (server-set metadata, defaults).
      Deployment wouldBe =
          client
              .apps()
              .deployments()
              .inNamespace(ns)
              .resource(
                  new DeploymentBuilder()
                      .withNewMetadata()
                      .withName("d")
                      .endMetadata()
                      .withNewSpec()
                      .withNewSelector()
                      .addToMatchLabels("app", "d")
                      .endSelector()
                      .withNewTemplate()
                      .withNewMetadata()
                      .addToLabels("app", "d")
                      .endMetadata()
                      .withNewSpec()
                      .addNewContainer()
                      .withName("c")
                      .withImage("nginx")
                      .endContainer()
                      .endSpec()
                      .endTemplate()
                      .endSpec()
                      .build())
              .dryRun()
              .create();
      assertThat(wouldBe.getMetadata().getUid()).isNotBlank();
      assertThat(wouldBe.getMetadata().getResourceVersion()).isNullOrEmpty();
      assertThat(wouldBe.getSpec().getReplicas()).isEqualTo(1);
      assertThat(wouldBe.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
      assertThat(
              wouldBe.getSpec().getTemplate().getSpec().getContainers().get(0).getImagePullPolicy())
          .isEqualTo("Always");
      assertThat(client.apps().deployments().inNamespace(ns).withName("d").get()).isNull();
      // Validation and admission still run: an invalid object is refused.
      assertThatThrownBy(
              () ->
                  client
                      .configMaps()
                      .inNamespace(ns)
                      .resource(
                          new ConfigMapBuilder()
                              .withNewMetadata()
                              .withName("Not_Valid")
                              .endMetadata()
                              .build())
                      .dryRun()
                      .create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));

      // update, patch (merge and strategic) and server-side apply.
      ConfigMap changed = new ConfigMapBuilder(live).withData(Map.of("k", "updated")).build();
      assertThat(client.configMaps().inNamespace(ns).resource(changed).dryRun().update().getData())
          .containsEntry("k", "updated");
      assertThat(
              client
                  .configMaps()
                  .inNamespace(ns)
                  .withName("live")
                  .dryRun()
                  .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"k\":\"merged\"}}")
                  .getData())
          .containsEntry("k", "merged");
      assertThat(
              client
                  .configMaps()
                  .inNamespace(ns)
                  .withName("live")
                  .dryRun()
                  .patch(
                      PatchContext.of(PatchType.STRATEGIC_MERGE),
                      "{\"metadata\":{\"labels\":{\"smp\":\"yes\"}}}")
                  .getMetadata()
                  .getLabels())
          .containsEntry("smp", "yes");
      ConfigMap applied =
          client
              .configMaps()
              .inNamespace(ns)
              .resource(
                  new ConfigMapBuilder()
                      .withNewMetadata()
                      .withName("live")
                      .endMetadata()
                      .withData(Map.of("k", "applied"))
                      .build())
              .dryRun()
              .fieldManager("dry")
              .forceConflicts()
              .serverSideApply();
      assertThat(applied.getData()).containsEntry("k", "applied");
      assertThat(applied.getMetadata().getManagedFields())
          .anySatisfy(m -> assertThat(m.getManager()).isEqualTo("dry"));

      // delete.
      client.configMaps().inNamespace(ns).withName("live").dryRun().delete();

      ConfigMap after = client.configMaps().inNamespace(ns).withName("live").get();
      assertThat(after.getData()).isEqualTo(Map.of("k", "v"));
      assertThat(after.getMetadata().getLabels()).isNullOrEmpty();
      assertThat(after.getMetadata().getResourceVersion())
          .isEqualTo(live.getMetadata().getResourceVersion());
      assertThat(after.getMetadata().getManagedFields())
          .noneSatisfy(m -> assertThat(m.getManager()).isEqualTo("dry"));
      // A dryRun value other than All is refused, not taken for a real write.
      try (RawApi raw = server.rawApi()) {
        RawApi.Response typo =
            raw.send(
                "POST",
                "/api/v1/namespaces/" + ns + "/configmaps?dryRun=Al",
                "application/json",
                "{\"metadata\":{\"name\":\"typo\"}}");
        assertThat(typo.code()).as(typo.body()).isEqualTo(422);
        assertThat(JSON.readTree(typo.body()).path("message").asString())
            .isEqualTo(
                "CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value:"
                    + " []string{\"Al\"}: supported values: \"All\"");
      }
      assertThat(client.configMaps().inNamespace(ns).withName("typo").get()).isNull();

      // No resourceVersion was consumed by any of it.
      assertThat(revision(client, ns)).isEqualTo(revision);
    }
  }

  /** The store's current revision: a quorum list's resourceVersion. */
  private static String revision(KubernetesClient client, String ns) {
    return client.configMaps().inNamespace(ns).list().getMetadata().getResourceVersion();
  }
}
