package dev.kvx.apiserver.auth;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate and its private key, as kubeadm's {@code pkiutil} pairs them. The PEM forms are what
 * Vert.x's {@code PemKeyCertOptions}, kubeconfig files and kubectl take.
 */
public record CertAndKey(X509Certificate certificate, PrivateKey key) {

  /** The certificate as a {@code CERTIFICATE} PEM block. */
  public String certificatePem() {
    return PemFiles.encode(certificate);
  }

  /**
   * The key as an OpenSSL PEM block ({@code EC PRIVATE KEY} for EC keys): the one form that kubectl,
   * Vert.x and fabric8 (which picks its key algorithm from that header) all read.
   */
  public String keyPem() {
    return PemFiles.encode(key, certificate.getPublicKey());
  }
}
