package dev.kvx.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigsTest {

  @TempDir Path dataDir;

  @Test
  void adminKubeconfigEmbedsCaAndClientCertificateAndNamesEverythingKvx() throws Exception {
    Pki pki = Pki.loadOrCreate(dataDir, List.of());
    Path file = dataDir.resolve("kubeconfig");

    Kubeconfigs.writeAdmin(file, "https://127.0.0.1:6443", pki);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    Config config = Config.fromKubeconfig(Files.readString(file));
    assertThat(config.getMasterUrl()).startsWith("https://127.0.0.1:6443");
    assertThat(config.getCurrentContext().getName()).isEqualTo("kvx");
    assertThat(config.getCurrentContext().getContext().getCluster()).isEqualTo("kvx");
    assertThat(config.getCurrentContext().getContext().getUser()).isEqualTo("kvx");
    assertThat(decode(config.getCaCertData())).isEqualTo(pki.caCertificatePem());
    assertThat(decode(config.getClientCertData())).isEqualTo(pki.admin().certificatePem());
    assertThat(decode(config.getClientKeyData())).isEqualTo(pki.admin().keyPem());
    // fabric8 picks the key algorithm from the PEM header; EC keys must say so.
    assertThat(config.getClientKeyAlgo()).isEqualTo("EC");
  }

  @Test
  void tokenKubeconfigCarriesTheBearerToken() throws Exception {
    Pki pki = Pki.loadOrCreate(dataDir, List.of());
    String token = pki.adminToken().orElseThrow();

    Config config =
        Config.fromKubeconfig(
            Kubeconfigs.renderWithToken("https://localhost:1234", pki.caCertificatePem(), token));

    assertThat(config.getAutoOAuthToken()).isEqualTo(token);
    assertThat(config.getClientCertData()).isNull();
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
  }
}
