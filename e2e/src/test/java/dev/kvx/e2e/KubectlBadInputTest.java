package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bad input gets a 4xx {@code Status} (never a 5xx) and stores nothing. Where kubectl itself
 * refuses the input before sending it, the same body goes to the server raw ({@code create --raw},
 * or an HTTPS client for non-JSON bodies), so the server's answer is checked too.
 */
class KubectlBadInputTest {

  @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();

  @TempDir Path dir;

  /** kubectl -v=6 logs each request as {@code METHOD URL CODE Reason in N milliseconds}. */
  private static final Pattern RESPONSE =
      Pattern.compile("\\] (GET|POST|PUT|PATCH|DELETE) (https://\\S+) (\\d{3}) ");

  private Path file(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    return f;
  }

  private static String namespace(Kubectl kubectl, String scenario) {
    String ns = scenario + "-" + kubectl.binary().slug();
    ok(kubectl, "create", "namespace", ns);
    return ns;
  }

  private static Kubectl.Result ok(Kubectl kubectl, String... args) {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  /**
   * Runs with -v=6 and expects kubectl to fail because of a {@code code} answer to {@code method}.
   */
  private static Kubectl.Result refused(Kubectl kubectl, String method, int code, String... args) {
    String[] verbose = Arrays.copyOf(args, args.length + 1);
    verbose[args.length] = "-v=6";
    Kubectl.Result r = kubectl.run(verbose);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    List<Integer> codes = responses(r, method);
    assertThat(codes).as(r.toString()).isNotEmpty();
    assertThat(codes.get(codes.size() - 1)).as(r.toString()).isEqualTo(code);
    return r;
  }

  /** Expects kubectl to refuse the input itself, without sending a write. */
  private static Kubectl.Result refusedByKubectl(Kubectl kubectl, String... args) {
    String[] verbose = Arrays.copyOf(args, args.length + 1);
    verbose[args.length] = "-v=6";
    Kubectl.Result r = kubectl.run(verbose);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(responses(r, "POST")).as(r.toString()).isEmpty();
    assertThat(responses(r, "PUT")).as(r.toString()).isEmpty();
    return r;
  }

  private static List<Integer> responses(Kubectl.Result r, String method) {
    Matcher m = RESPONSE.matcher(r.stderr());
    List<Integer> codes = new ArrayList<>();
    while (m.find()) {
      if (m.group(1).equals(method)) {
        codes.add(Integer.parseInt(m.group(3)));
      }
    }
    // Whatever was asked, the server never answered with a 5xx.
    m.reset();
    while (m.find()) {
      assertThat(Integer.parseInt(m.group(3))).as(m.group()).isLessThan(500);
    }
    return codes;
  }

  private static void notStored(Kubectl kubectl, String ns, String name) {
    Kubectl.Result r = kubectl.run("-n", ns, "get", "configmap", name);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.stderr()).contains("(NotFound)");
  }

  private static String configMap(String apiVersion, String kind, String name, String ns) {
    return "{\"apiVersion\":\""
        + apiVersion
        + "\",\"kind\":\""
        + kind
        + "\",\"metadata\":{\"name\":\""
        + name
        + "\""
        + (ns == null ? "" : ",\"namespace\":\"" + ns + "\"")
        + "},\"data\":{\"k\":\"v\"}}";
  }

  @EachKubectl
  void malformedJson(KubectlBinary binary) throws IOException {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "badjson");
    Path bad =
        file(
            "bad.json",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"mal\"");

    assertThat(refusedByKubectl(kubectl, "-n", ns, "create", "-f", bad.toString()).stderr())
        .contains("error");
    Kubectl.Result raw =
        refused(
            kubectl,
            "POST",
            400,
            "create",
            "--raw",
            "/api/v1/namespaces/" + ns + "/configmaps",
            "-f",
            bad.toString());
    assertThat(raw.stderr()).contains("Error from server (BadRequest)");
    notStored(kubectl, ns, "mal");
  }

  @EachKubectl
  void malformedYaml(KubectlBinary binary) throws IOException {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "badyaml");
    String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: maly\n data: [\n";

    refusedByKubectl(kubectl, "-n", ns, "create", "-f", file("bad.yaml", yaml).toString());
    try (RawApi api = server.rawApi()) {
      RawApi.Response r =
          api.send("POST", "/api/v1/namespaces/" + ns + "/configmaps", "application/yaml", yaml);
      assertThat(r.code()).as(r.toString()).isEqualTo(400);
      JsonNode status = JsonMapper.builder().build().readTree(r.body());
      assertThat(status.at("/kind").asString()).isEqualTo("Status");
      assertThat(status.at("/status").asString()).isEqualTo("Failure");
      assertThat(status.at("/reason").asString()).isEqualTo("BadRequest");
      assertThat(status.at("/code").asInt()).isEqualTo(400);

      // The same route takes well-formed YAML: the 400 is about the body, not the media type.
      RawApi.Response good =
          api.send(
              "POST",
              "/api/v1/namespaces/" + ns + "/configmaps",
              "application/yaml",
              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata:\n  k: v\n");
      assertThat(good.code()).as(good.toString()).isEqualTo(201);
    }
    notStored(kubectl, ns, "maly");
    assertThat(kubectl.json("-n", ns, "get", "configmap", "good").at("/data/k").asString())
        .isEqualTo("v");
  }

  @EachKubectl
  void unknownKind(KubectlBinary binary) throws IOException {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "unknown");
    Path frob = file("frob.json", configMap("v1", "Frobnicator", "frob", null));

    Kubectl.Result client = kubectl.run("-n", ns, "create", "-f", frob.toString());
    assertThat(client.exitCode()).as(client.toString()).isEqualTo(1);
    assertThat(client.stderr())
        .as(client.toString())
        .contains("no matches for kind \"Frobnicator\" in version \"v1\"");

    refused(
        kubectl,
        "POST",
        400,
        "create",
        "--raw",
        "/api/v1/namespaces/" + ns + "/configmaps",
        "-f",
        frob.toString());
    Kubectl.Result noSuchResource =
        refused(
            kubectl,
            "POST",
            404,
            "create",
            "--raw",
            "/api/v1/namespaces/" + ns + "/frobnicators",
            "-f",
            frob.toString());
    assertThat(noSuchResource.stderr()).contains("(NotFound)");
    notStored(kubectl, ns, "frob");
  }

  @EachKubectl
  void wrongApiVersion(KubectlBinary binary) throws IOException {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "wrongver");
    Path appsConfigMap = file("cm.json", configMap("apps/v1", "ConfigMap", "wrongver", null));

    Kubectl.Result client = kubectl.run("-n", ns, "create", "-f", appsConfigMap.toString());
    assertThat(client.exitCode()).as(client.toString()).isEqualTo(1);
    assertThat(client.stderr())
        .as(client.toString())
        .contains("no matches for kind \"ConfigMap\" in version \"apps/v1\"");

    refused(
        kubectl,
        "POST",
        400,
        "create",
        "--raw",
        "/api/v1/namespaces/" + ns + "/configmaps",
        "-f",
        appsConfigMap.toString());
    refused(
        kubectl,
        "POST",
        404,
        "create",
        "--raw",
        "/apis/apps/v1/namespaces/" + ns + "/configmaps",
        "-f",
        appsConfigMap.toString());
    // A version upstream no longer serves is not served here either.
    Path cronV1beta1 =
        file(
            "cron.json",
            "{\"apiVersion\":\"batch/v1beta1\",\"kind\":\"CronJob\",\"metadata\":{\"name\":\"old\"},\"spec\":{\"schedule\":\"*"
                + " * * * *\",\"jobTemplate\":{\"spec\":"
                + "{\"template\":{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}}}}}");
    refused(
        kubectl,
        "POST",
        404,
        "create",
        "--raw",
        "/apis/batch/v1beta1/namespaces/" + ns + "/cronjobs",
        "-f",
        cronV1beta1.toString());
    notStored(kubectl, ns, "wrongver");
    Kubectl.Result cronjobs = ok(kubectl, "-n", ns, "get", "cronjobs", "-o", "name");
    assertThat(cronjobs.stdout()).isEmpty();
  }

  @EachKubectl
  void invalidName(KubectlBinary binary) throws IOException {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "badname");

    Kubectl.Result typed =
        refused(kubectl, "POST", 422, "-n", ns, "create", "configmap", "Foo_Bar");
    assertThat(typed.stderr())
        .contains("ConfigMap \"Foo_Bar\" is invalid")
        .contains("metadata.name: Invalid value: \"Foo_Bar\"");
    refused(
        kubectl,
        "POST",
        422,
        "create",
        "--raw",
        "/api/v1/namespaces/" + ns + "/configmaps",
        "-f",
        file("cm.json", configMap("v1", "ConfigMap", "Foo_Bar", null)).toString());
    Kubectl.Result namespace = refused(kubectl, "POST", 422, "create", "namespace", "Foo_Bar");
    assertThat(namespace.stderr()).contains("Namespace \"Foo_Bar\" is invalid");

    assertThat(ok(kubectl, "-n", ns, "get", "configmaps", "-o", "name").stdout())
        .doesNotContain("Foo_Bar");
    assertThat(ok(kubectl, "get", "namespaces", "-o", "name").stdout()).doesNotContain("Foo_Bar");
  }

  @EachKubectl
  void namespaceContradictingTheRequest(KubectlBinary binary) throws IOException {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "here");
    String other = namespace(kubectl, "there");
    Path elsewhere = file("cm.json", configMap("v1", "ConfigMap", "misplaced", other));

    assertThat(refusedByKubectl(kubectl, "-n", ns, "create", "-f", elsewhere.toString()).stderr())
        .contains("does not match the namespace");
    Kubectl.Result raw =
        refused(
            kubectl,
            "POST",
            400,
            "create",
            "--raw",
            "/api/v1/namespaces/" + ns + "/configmaps",
            "-f",
            elsewhere.toString());
    assertThat(raw.stderr()).contains("(BadRequest)").contains("namespace");
    notStored(kubectl, ns, "misplaced");
    notStored(kubectl, other, "misplaced");
  }

  @EachKubectl
  void nameContradictingTheUrl(KubectlBinary binary) throws IOException {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "rename");
    ok(kubectl, "-n", ns, "create", "configmap", "real", "--from-literal=k=original");

    Kubectl.Result raw =
        refused(
            kubectl,
            "PUT",
            400,
            "replace",
            "--raw",
            "/api/v1/namespaces/" + ns + "/configmaps/real",
            "-f",
            file("cm.json", configMap("v1", "ConfigMap", "impostor", ns)).toString());
    assertThat(raw.stderr()).contains("(BadRequest)");
    assertThat(kubectl.json("-n", ns, "get", "configmap", "real").at("/data/k").asString())
        .isEqualTo("original");
    notStored(kubectl, ns, "impostor");
  }

  @EachKubectl
  void missingNamespace(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = "nosuch-" + binary.slug();

    Kubectl.Result r = refused(kubectl, "POST", 404, "-n", ns, "create", "configmap", "orphan");
    assertThat(r.stderr()).contains("namespaces \"" + ns + "\" not found");
    Kubectl.Result list = ok(kubectl, "get", "configmaps", "-A", "-o", "name");
    assertThat(list.stdout()).doesNotContain("orphan");
  }

  @EachKubectl
  void staleUpdateIsAConflict(KubectlBinary binary) throws IOException {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "stale");
    ok(kubectl, "-n", ns, "create", "configmap", "c", "--from-literal=k=1");
    String stale =
        ok(kubectl, "-n", ns, "get", "configmap", "c", "-o", "json")
            .stdout()
            .replace("\"1\"", "\"stale\"");
    ok(
        kubectl,
        "-n",
        ns,
        "patch",
        "configmap",
        "c",
        "--type",
        "merge",
        "-p",
        "{\"data\":{\"k\":\"2\"}}");

    Kubectl.Result r =
        refused(
            kubectl,
            "PUT",
            409,
            "replace",
            "-f",
            file("c.json", stale).toString());
    assertThat(r.stderr()).contains("(Conflict)").contains("the object has been modified");
    assertThat(kubectl.json("-n", ns, "get", "configmap", "c").at("/data/k").asString())
        .isEqualTo("2");
  }

  @EachKubectl
  void failedJsonPatchTestChangesNothing(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "jsontest");
    ok(kubectl, "-n", ns, "create", "configmap", "c", "--from-literal=k=1");

    refused(
        kubectl,
        "PATCH",
        422,
        "-n",
        ns,
        "patch",
        "configmap",
        "c",
        "--type",
        "json",
        "-p",
        "[{\"op\":\"test\",\"path\":\"/data/k\",\"value\":\"other\"},{\"op\":\"replace\",\"path\":\"/data/k\",\"value\":\"x\"}]");
    refused(
        kubectl,
        "PATCH",
        422,
        "-n",
        ns,
        "patch",
        "configmap",
        "c",
        "--type",
        "json",
        "-p",
        "[{\"op\":\"replace\",\"path\":\"/spec/missing\",\"value\":\"x\"}]");
    assertThat(kubectl.json("-n", ns, "get", "configmap", "c").at("/data/k").asString())
        .isEqualTo("1");
  }

  @EachKubectl
  void oversizedBody(KubectlBinary binary) throws IOException {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "huge");
    String big = "x".repeat(4 * 1024 * 1024);
    Path f =
        file(
            "big.json",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},"
                + "\"data\":{\"k\":\""
                + big
                + "\"}}");

    refused(
        kubectl,
        "POST",
        413,
        "create",
        "--raw",
        "/api/v1/namespaces/" + ns + "/configmaps",
        "-f",
        f.toString());
    notStored(kubectl, ns, "big");
  }
}
