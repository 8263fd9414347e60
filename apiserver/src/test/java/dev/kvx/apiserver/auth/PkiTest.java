package dev.kvx.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PkiTest {

  @TempDir Path dataDir;

  @Test
  void firstStartCreatesCaServingAdminAndTokenFiles() throws Exception {
    Pki pki = Pki.loadOrCreate(dataDir, List.of());

    Path dir = dataDir.resolve("pki");
    assertThat(dir).isEqualTo(pki.directory());
    for (String file : List.of("ca.crt", "ca.key", "apiserver.crt", "apiserver.key", "admin.crt",
        "admin.key", "tokens.csv")) {
      assertThat(dir.resolve(file)).isRegularFile();
    }
    for (String secret : List.of("ca.key", "apiserver.key", "admin.key", "tokens.csv")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(secret))))
          .as(secret)
          .isEqualTo("rw-------");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(Files.readString(dir.resolve("ca.key"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(Files.readString(dir.resolve("ca.crt"))).startsWith("-----BEGIN CERTIFICATE-----");

    X509Certificate ca = pki.caCertificate();
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()))
        .isGreaterThan(Duration.ofDays(3649));
    assertThat(pki.issued(pki.serving().certificate())).isTrue();
    assertThat(pki.issued(pki.admin().certificate())).isTrue();
  }

  @Test
  void servingCertificateCoversLocalAndInClusterNamesAndExtraSans() throws Exception {
    Pki pki = Pki.loadOrCreate(dataDir, List.of("192.0.2.10", "API.example.org"));

    assertThat(sans(pki.serving().certificate()))
        .contains(
            "localhost",
            "kubernetes",
            "kubernetes.default",
            "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local",
            "127.0.0.1",
            "0:0:0:0:0:0:0:1",
            "10.96.0.1",
            "192.0.2.10",
            "api.example.org");
    assertThat(pki.serving().certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
  }

  @Test
  void wildcardBindAddressAddsTheHostsAddressesNotTheWildcard() throws Exception {
    Pki pki = Pki.loadOrCreate(dataDir, List.of("0.0.0.0"));

    assertThat(sans(pki.serving().certificate())).doesNotContain("0.0.0.0").contains("127.0.0.1");
  }

  @Test
  void adminCertificateIsKubernetesAdminInSystemMasters() throws Exception {
    Pki pki = Pki.loadOrCreate(dataDir, List.of());

    assertThat(pki.admin().certificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=kubernetes-admin,O=system:masters");
    assertThat(pki.admin().certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
  }

  @Test
  void laterStartsReuseEverything() throws Exception {
    Pki first = Pki.loadOrCreate(dataDir, List.of("192.0.2.10"));
    Pki second = Pki.loadOrCreate(dataDir, List.of("192.0.2.10"));

    assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(second.serving().certificate()).isEqualTo(first.serving().certificate());
    assertThat(second.admin().certificate()).isEqualTo(first.admin().certificate());
    assertThat(second.adminToken()).isEqualTo(first.adminToken()).isPresent();
  }

  @Test
  void aNewSanReissuesTheServingCertificateFromTheSameCa() throws Exception {
    Pki first = Pki.loadOrCreate(dataDir, List.of());
    Pki second = Pki.loadOrCreate(dataDir, List.of("192.0.2.99"));

    assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(second.serving().certificate()).isNotEqualTo(first.serving().certificate());
    assertThat(sans(second.serving().certificate())).contains("192.0.2.99");
    assertThat(second.admin().certificate()).isEqualTo(first.admin().certificate());
  }

  @Test
  void certificatesCloseToExpiryAreRenewedFromTheSameCa() throws Exception {
    Pki first = Pki.loadOrCreate(dataDir, List.of());
    Clock in300Days =
        Clock.fixed(Instant.now().plus(Duration.ofDays(300)), ZoneOffset.UTC);
    Pki later = Pki.loadOrCreate(dataDir, List.of(), in300Days);

    assertThat(later.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(later.serving().certificate()).isNotEqualTo(first.serving().certificate());
    assertThat(later.admin().certificate()).isNotEqualTo(first.admin().certificate());
    assertThat(later.admin().certificate().getNotAfter())
        .isAfter(first.admin().certificate().getNotAfter());
  }

  @Test
  void aKeyThatNoLongerMatchesItsCertificateIsReplaced() throws Exception {
    Pki first = Pki.loadOrCreate(dataDir, List.of());
    Path adminKey = dataDir.resolve("pki/admin.key");
    Files.writeString(adminKey, first.issueClientCertificate("x", List.of()).keyPem());

    Pki second = Pki.loadOrCreate(dataDir, List.of());

    assertThat(second.admin().certificate()).isNotEqualTo(first.admin().certificate());
    assertThat(Files.readString(adminKey)).isEqualTo(second.admin().keyPem());
  }

  @Test
  void issuesComponentClientCertificates() throws Exception {
    Pki pki = Pki.loadOrCreate(dataDir, List.of());

    CertAndKey node = pki.issueClientCertificate("system:node:n1", List.of("system:nodes"));

    assertThat(pki.issued(node.certificate())).isTrue();
    assertThat(node.certificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=system:node:n1,O=system:nodes");
    assertThat(node.keyPem()).startsWith("-----BEGIN EC PRIVATE KEY-----");
  }

  @Test
  void tokenFileHoldsOneAdminTokenInTokenAuthFileFormat() throws Exception {
    Pki pki = Pki.loadOrCreate(dataDir, List.of());

    String token = pki.adminToken().orElseThrow();
    assertThat(token).hasSizeGreaterThanOrEqualTo(32);
    assertThat(Files.readString(dataDir.resolve("pki/tokens.csv")))
        .isEqualTo(token + ",kubernetes-admin,kubernetes-admin,\"system:masters\"\n");
    assertThat(pki.tokens().user(token))
        .contains(new UserInfo("kubernetes-admin", "kubernetes-admin", List.of("system:masters")));
  }

  @Test
  void anotherDataDirGetsAnotherCa() throws Exception {
    Pki one = Pki.loadOrCreate(dataDir.resolve("one"), List.of());
    Pki two = Pki.loadOrCreate(dataDir.resolve("two"), List.of());

    assertThat(one.issued(two.admin().certificate())).isFalse();
    assertThat(one.adminToken()).isNotEqualTo(two.adminToken());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "10.96.0.0/12, 10.96.0.1",
    "10.43.0.0/16, 10.43.0.1",
    "10.96.7.9/12, 10.96.0.1",
    "fd00:10:96::/108, fd00:10:96:0:0:0:0:1",
  })
  void kubernetesServiceIpIsTheFirstAddressOfTheRange(String cidr, String ip) {
    assertThat(Pki.kubernetesServiceIp(cidr)).isEqualTo(ip);
  }

  @ParameterizedTest
  @CsvSource({"10.96.0.0", "10.96.0.0/33", "nope/12", "10.96.0.0/x"})
  void kubernetesServiceIpRejectsWhatIsNotACidr(String cidr) {
    assertThatThrownBy(() -> Pki.kubernetesServiceIp(cidr))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<String> sans(X509Certificate certificate) throws Exception {
    return certificate.getSubjectAlternativeNames().stream()
        .map(name -> String.valueOf(name.get(1)))
        .collect(Collectors.toList());
  }
}
