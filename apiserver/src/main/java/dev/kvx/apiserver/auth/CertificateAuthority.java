package dev.kvx.apiserver.auth;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * A self-signed cluster CA that signs serving and client certificates, the way kubeadm's {@code
 * pkiutil} does. Keys are EC P-256: generated in about a millisecond (an in-JVM test cluster makes
 * several per start), and read by kubectl, Vert.x and fabric8 alike.
 *
 * <p>Pure computation, no I/O; safe to call from any thread.
 */
final class CertificateAuthority {

  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration LEAF_VALIDITY = Duration.ofDays(365);
  // Certificates are valid a little before "now", so a peer whose clock is slightly behind accepts them.
  private static final Duration BACKDATE = Duration.ofMinutes(5);
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CertAndKey ca;
  private final Clock clock;

  CertificateAuthority(CertAndKey ca, Clock clock) {
    this.ca = ca;
    this.clock = clock;
  }

  CertAndKey certAndKey() {
    return ca;
  }

  /** A new self-signed CA named {@code commonName}, valid ten years. */
  static CertificateAuthority create(String commonName, Clock clock) {
    KeyPair keys = newKeyPair();
    X500Name name = name(commonName, List.of());
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  name, serial(), Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)),
                  name, keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keys.getPublic()));
      CertAndKey ca = new CertAndKey(sign(builder, keys.getPrivate()), keys.getPrivate());
      return new CertificateAuthority(ca, clock);
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot create CA certificate", e);
    }
  }

  /** A serving certificate for {@code sans} (DNS names and IP literals), valid one year. */
  CertAndKey issueServing(String commonName, List<String> sans) {
    return issue(name(commonName, List.of()), sans, KeyPurposeId.id_kp_serverAuth);
  }

  /**
   * A client certificate: Kubernetes reads the user name from the CN and the groups from the O
   * attributes (k8s.io/apiserver's x509 CommonNameUserConversion).
   */
  CertAndKey issueClient(String commonName, List<String> organizations) {
    return issue(name(commonName, organizations), List.of(), KeyPurposeId.id_kp_clientAuth);
  }

  private CertAndKey issue(X500Name subject, List<String> sans, KeyPurposeId purpose) {
    KeyPair keys = newKeyPair();
    Instant now = clock.instant();
    Instant notAfter = min(now.plus(LEAF_VALIDITY), ca.certificate().getNotAfter().toInstant());
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  ca.certificate(), serial(), Date.from(now.minus(BACKDATE)), Date.from(notAfter),
                  subject, keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(ca.certificate()));
      if (!sans.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, generalNames(sans));
      }
      return new CertAndKey(sign(builder, ca.key()), keys.getPrivate());
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue certificate for " + subject, e);
    }
  }

  /** True when {@code certificate} carries this CA's signature. */
  boolean signed(X509Certificate certificate) {
    try {
      certificate.verify(ca.certificate().getPublicKey());
      return certificate.getIssuerX500Principal().equals(ca.certificate().getSubjectX500Principal());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static boolean isIpLiteral(String san) {
    return IPAddress.isValid(san);
  }

  private static GeneralNames generalNames(List<String> sans) {
    List<GeneralName> names = new ArrayList<>();
    for (String san : sans) {
      names.add(new GeneralName(isIpLiteral(san) ? GeneralName.iPAddress : GeneralName.dNSName, san));
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static X500Name name(String commonName, List<String> organizations) {
    X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
    for (String organization : organizations) {
      builder.addRDN(BCStyle.O, organization);
    }
    builder.addRDN(BCStyle.CN, commonName);
    return builder.build();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKey);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 unavailable", e);
    }
  }

  // RFC 5280: a positive serial of at most 20 octets, unpredictable.
  private static BigInteger serial() {
    return new BigInteger(159, RANDOM).add(BigInteger.ONE);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
