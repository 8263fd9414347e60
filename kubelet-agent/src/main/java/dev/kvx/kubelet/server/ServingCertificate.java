package dev.kvx.kubelet.server;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The agent's serving certificate when none is given: self-signed, written once to {@code
 * <root-dir>/pki/kubelet.crt} and {@code kubelet.key}, as the kubelet does in its cert dir ({@code
 * CN=<host>@<timestamp>}, one year). The API server does not verify it (as upstream's without
 * {@code --kubelet-certificate-authority}); it only keeps the traffic encrypted.
 *
 * <p>File I/O and key generation: call it off the event loop.
 */
public final class ServingCertificate {
  private static final Duration VALIDITY = Duration.ofDays(365);

  private ServingCertificate() {}

  /** The certificate and key files, created if missing. */
  public static Path[] ensure(Path rootDir, String host, List<String> ipAddresses)
      throws IOException {
    Path dir = rootDir.resolve("pki");
    Path cert = dir.resolve("kubelet.crt");
    Path key = dir.resolve("kubelet.key");
    if (Files.exists(cert) && Files.exists(key)) {
      return new Path[] {cert, key};
    }
    Files.createDirectories(dir);
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      KeyPair pair = generator.generateKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + host + "@" + now.getEpochSecond());
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(63, new SecureRandom()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(VALIDITY)),
              subject,
              pair.getPublic());
      Set<String> ips = new LinkedHashSet<>(ipAddresses);
      ips.add("127.0.0.1");
      List<GeneralName> sans = new ArrayList<>();
      sans.add(new GeneralName(GeneralName.dNSName, host));
      sans.add(new GeneralName(GeneralName.dNSName, "localhost"));
      for (String ip : ips) {
        if (InetAddress.getByName(ip) != null) {
          sans.add(new GeneralName(GeneralName.iPAddress, ip));
        }
      }
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(sans.toArray(GeneralName[]::new)));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      Files.writeString(cert, pem(certificate));
      Files.writeString(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
      try {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      return new Path[] {cert, key};
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot create the serving certificate: " + e.getMessage(), e);
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(o);
    }
    return out.toString();
  }
}
