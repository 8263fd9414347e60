package dev.kvx.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authenticator behind a real Vert.x HTTPS server configured by {@link ServerTls}, called by
 * Vert.x clients, fabric8 and kubectl with the kubeconfigs {@link Kubeconfigs} writes.
 */
class AuthenticatorTest {

  private static final String VERSION =
      "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-kvxtest\",\"gitCommit\":\"0\","
          + "\"gitTreeState\":\"clean\",\"buildDate\":\"2025-01-01T00:00:00Z\","
          + "\"goVersion\":\"go1.23\",\"compiler\":\"gc\",\"platform\":\"linux/amd64\"}";

  @TempDir static Path dataDir;
  static Vertx vertx;
  static Pki pki;
  static HttpServer server;

  @BeforeAll
  static void startServer() throws Exception {
    vertx = Vertx.vertx();
    pki = Pki.loadOrCreate(dataDir, List.of());
    Authenticator authenticator = new Authenticator(pki);
    server =
        await(
            vertx
                .createHttpServer(ServerTls.apply(new HttpServerOptions().setHost("127.0.0.1"), pki))
                .requestHandler(
                    request -> {
                      Optional<UserInfo> user = authenticator.authenticate(request);
                      if (user.isEmpty()) {
                        request.response().setStatusCode(401).end();
                      } else if (request.path().equals("/version")) {
                        // Only the admin may read the version here, so a client's success proves who it was.
                        boolean admin = user.get().name().equals(Pki.ADMIN_USER);
                        request.response().setStatusCode(admin ? 200 : 403)
                            .putHeader("content-type", "application/json").end(VERSION);
                      } else {
                        request.response().end(user.get().name() + "|" + user.get().uid() + "|"
                            + String.join(",", user.get().groups()));
                      }
                    })
                .listen(0));
  }

  @AfterAll
  static void stopServer() throws Exception {
    await(vertx.close());
  }

  @Test
  void noCredentialsIsUnauthenticated() throws Exception {
    assertThat(call(clientOptions(), null).statusCode()).isEqualTo(401);
  }

  @Test
  void adminCertificateIsKubernetesAdminInSystemMasters() throws Exception {
    Reply reply = call(clientOptions().setKeyCertOptions(keyCert(pki.admin())), null);

    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("kubernetes-admin||system:masters,system:authenticated");
  }

  @Test
  void componentCertificateNamesTheNode() throws Exception {
    CertAndKey node = pki.issueClientCertificate("system:node:n1", List.of("system:nodes"));

    Reply reply = call(clientOptions().setKeyCertOptions(keyCert(node)), null);

    assertThat(reply.body()).isEqualTo("system:node:n1||system:nodes,system:authenticated");
  }

  @Test
  void bearerTokenFromTokensCsv() throws Exception {
    Reply reply = call(clientOptions(), "Bearer " + pki.adminToken().orElseThrow());

    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.body())
        .isEqualTo("kubernetes-admin|kubernetes-admin|system:masters,system:authenticated");
  }

  @Test
  void unknownBearerTokenIsUnauthenticated() throws Exception {
    assertThat(call(clientOptions(), "Bearer not-a-token").statusCode()).isEqualTo(401);
    assertThat(call(clientOptions(), "Basic " + pki.adminToken().orElseThrow()).statusCode())
        .isEqualTo(401);
  }

  @Test
  void certificateFromAnotherCaIsNotOfferedAndSoUnauthenticated() throws Exception {
    CertAndKey mallory = foreignAdmin();

    // The server names its CA in the TLS CertificateRequest; a client holding no certificate from
    // it sends none.
    assertThat(call(clientOptions().setKeyCertOptions(keyCert(mallory)), null).statusCode())
        .isEqualTo(401);
  }

  @Test
  void certificateFromAnotherCaFailsTheHandshake() throws Exception {
    CertAndKey mallory = foreignAdmin();

    AsyncResult<Reply> reply =
        await(
            send(clientOptions().setKeyCertOptions(alwaysOffer(mallory)), null)
                .transform(Future::succeededFuture));

    assertThat(reply.failed()).as("request with a foreign certificate: %s", reply.result()).isTrue();
    assertThat(new Authenticator(pki).authenticateCertificate(mallory.certificate())).isEmpty();
  }

  @Test
  void servingCertificateIsNoClientCertificate() {
    assertThat(new Authenticator(pki).authenticateCertificate(pki.serving().certificate()))
        .isEmpty();
  }

  @Test
  void fabric8UsesTheAdminKubeconfigAsItIs() throws Exception {
    String kubeconfig = Kubeconfigs.render(url(), pki.caCertificatePem(), pki.admin());

    try (KubernetesClient client =
        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build()) {
      assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v1.32.0-kvxtest");
    }
  }

  @Test
  void kubectlUsesTheAdminKubeconfigAsItIs() throws Exception {
    Path file = dataDir.resolve("admin.kubeconfig");
    Kubeconfigs.writeAdmin(file, url(), pki);

    assertThat(kubectlVersion(file)).contains("v1.32.0-kvxtest");
  }

  @Test
  void kubectlUsesATokenKubeconfigAsItIs() throws Exception {
    Path file = dataDir.resolve("token.kubeconfig");
    Kubeconfigs.write(
        file,
        Kubeconfigs.renderWithToken(url(), pki.caCertificatePem(), pki.adminToken().orElseThrow()));

    assertThat(kubectlVersion(file)).contains("v1.32.0-kvxtest");
  }

  private static String kubectlVersion(Path kubeconfig) throws Exception {
    Path kubectl = Path.of("/usr/bin/kubectl");
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(Files.isExecutable(kubectl), "kubectl is not installed");
    }
    Process process =
        new ProcessBuilder(kubectl.toString(), "--kubeconfig", kubeconfig.toString(), "version",
                "-o", "json")
            .redirectErrorStream(true)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl finished").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  private static String url() {
    return "https://127.0.0.1:" + server.actualPort();
  }

  private static HttpClientOptions clientOptions() {
    return new HttpClientOptions()
        .setSsl(true)
        .setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pki.caCertificatePem())));
  }

  private static CertAndKey foreignAdmin() {
    CertificateAuthority other = CertificateAuthority.create("other-ca", Clock.systemUTC());
    return other.issueClient(Pki.ADMIN_USER, List.of(UserInfo.MASTERS_GROUP));
  }

  // A client key manager that presents its certificate whatever CAs the server asks for.
  private static KeyCertOptions alwaysOffer(CertAndKey credentials) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = "x".toCharArray();
    store.setKeyEntry("client", credentials.key(), password,
        new Certificate[] {credentials.certificate()});
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, password);
    X509ExtendedKeyManager delegate = (X509ExtendedKeyManager) factory.getKeyManagers()[0];
    return KeyCertOptions.wrap(
        new X509ExtendedKeyManager() {
          @Override
          public String chooseEngineClientAlias(String[] types, Principal[] issuers, SSLEngine e) {
            return "client";
          }

          @Override
          public String chooseClientAlias(String[] types, Principal[] issuers, Socket socket) {
            return "client";
          }

          @Override
          public String[] getClientAliases(String type, Principal[] issuers) {
            return new String[] {"client"};
          }

          @Override
          public String[] getServerAliases(String type, Principal[] issuers) {
            return delegate.getServerAliases(type, issuers);
          }

          @Override
          public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
            return delegate.chooseServerAlias(type, issuers, socket);
          }

          @Override
          public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
          }

          @Override
          public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
          }
        });
  }

  private static PemKeyCertOptions keyCert(CertAndKey credentials) {
    return new PemKeyCertOptions()
        .addCertValue(Buffer.buffer(credentials.certificatePem()))
        .addKeyValue(Buffer.buffer(credentials.keyPem()));
  }

  private record Reply(int statusCode, String body) {}

  private static Reply call(HttpClientOptions options, String authorization) throws Exception {
    return await(send(options, authorization));
  }

  // One client per call: a certificate is bound to a connection, so calls must not share one.
  private static Future<Reply> send(HttpClientOptions options, String authorization) {
    HttpClient client = vertx.createHttpClient(options);
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(server.actualPort())
            .setURI("/whoami");
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return client
        .request(request)
        .compose(r -> r.send())
        .compose((HttpClientResponse response) ->
            response.body().map(body -> new Reply(response.statusCode(), body.toString())))
        .eventually(() -> client.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
