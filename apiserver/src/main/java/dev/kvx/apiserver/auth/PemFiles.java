package dev.kvx.apiserver.auth;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/** PEM encoding and decoding through BouncyCastle, and file writes with owner-only permissions. */
final class PemFiles {

  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PemFiles() {}

  static String encode(Object certificateOrKey) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(certificateOrKey);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * A private key as OpenSSL writes it: {@code EC PRIVATE KEY} (SEC1, RFC 5915) for EC keys, with the
   * named curve and the public key inside. fabric8 only treats a key as EC under that header, and
   * Vert.x and OpenSSL need the curve in it; BouncyCastle's generic writer leaves the curve out for
   * JDK-made keys, hence the explicit structure.
   */
  static String encode(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals("EC")) {
      return encode(key);
    }
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
      BigInteger secret = ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
      int orderBits = ((java.security.interfaces.ECPrivateKey) key).getParams().getOrder().bitLength();
      ECPrivateKey sec1 =
          new ECPrivateKey(
              orderBits,
              secret,
              SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()).getPublicKeyData(),
              curve);
      return encode(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static X509Certificate readCertificate(Path file) throws IOException {
    return parseCertificate(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
  }

  static X509Certificate parseCertificate(String pem, String source) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      if (!(object instanceof X509CertificateHolder holder)) {
        throw new IOException(source + ": no CERTIFICATE PEM block");
      }
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IOException(source + ": unreadable certificate", e);
    }
  }

  /** Reads a private key in PKCS#1, SEC1 or PKCS#8 (unencrypted) PEM form. */
  static PrivateKey readPrivateKey(Path file) throws IOException {
    try (PEMParser parser = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IOException(file + ": no unencrypted private key PEM block");
    }
  }

  /** Writes a key or other secret: owner read/write only, replaced atomically. */
  static void writeSecret(Path file, String content) throws IOException {
    write(file, content, true);
  }

  /** Writes a public file (a certificate), replaced atomically. */
  static void writePublic(Path file, String content) throws IOException {
    write(file, content, false);
  }

  /** Creates a directory readable by its owner only (the PKI holds private keys). */
  static void createPrivateDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (POSIX) {
      Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
    }
  }

  // The temp file gets its permissions before any byte is written, so a key is never readable by
  // others, and the rename means a reader (another process starting) sees the old or the new file.
  private static void write(Path file, String content, boolean secret) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp =
        POSIX && secret
            ? Files.createTempFile(dir, file.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE))
            : Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      if (POSIX && !secret) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
