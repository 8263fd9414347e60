package dev.kvx.apiserver.auth;

import dev.kvx.apiserver.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes standard kubeconfig files (the {@code clientcmd/api/v1} {@code Config}) that kubectl and
 * fabric8's {@code Config.fromKubeconfig} use as they are: the CA and the credentials embedded as
 * base64 data, one cluster, user and context named {@code kvx}, and that context current.
 */
public final class Kubeconfigs {

  public static final String NAME = "kvx";

  private Kubeconfigs() {}

  /** A kubeconfig authenticating with a client certificate, e.g. {@code pki.admin()}. */
  public static String render(String serverUrl, String caCertificatePem, CertAndKey client) {
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("client-certificate-data", base64(client.certificatePem()));
    user.put("client-key-data", base64(client.keyPem()));
    return render(serverUrl, caCertificatePem, user);
  }

  /** A kubeconfig authenticating with a bearer token (one from {@code tokens.csv}). */
  public static String renderWithToken(String serverUrl, String caCertificatePem, String token) {
    return render(serverUrl, caCertificatePem, Map.of("token", token));
  }

  /**
   * Writes {@code pki}'s admin kubeconfig for {@code serverUrl} (e.g. {@code https://127.0.0.1:6443})
   * to {@code file}, readable by its owner only, replacing it atomically. Blocking.
   */
  public static void writeAdmin(Path file, String serverUrl, Pki pki) throws IOException {
    write(file, render(serverUrl, pki.caCertificatePem(), pki.admin()));
  }

  /** Writes {@code content} (from one of the render methods) as a private file. Blocking. */
  public static void write(Path file, String content) throws IOException {
    PemFiles.writeSecret(file, content);
  }

  private static String render(String serverUrl, String caPem, Map<String, Object> user) {
    Map<String, Object> cluster = new LinkedHashMap<>();
    cluster.put("certificate-authority-data", base64(caPem));
    cluster.put("server", serverUrl);
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("cluster", NAME);
    context.put("user", NAME);

    Map<String, Object> config = new LinkedHashMap<>();
    config.put("apiVersion", "v1");
    config.put("kind", "Config");
    config.put("clusters", List.of(Map.of("name", NAME, "cluster", cluster)));
    config.put("users", List.of(Map.of("name", NAME, "user", user)));
    config.put("contexts", List.of(Map.of("name", NAME, "context", context)));
    config.put("current-context", NAME);
    config.put("preferences", Map.of());
    return Json.YAML.writeValueAsString(config);
  }

  private static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }
}
