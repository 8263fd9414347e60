package dev.kvx.apiserver.auth;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The API server's TLS setup, as kube-apiserver's {@code --tls-cert-file} plus {@code
 * --client-ca-file}: HTTPS with the serving certificate, and client certificates requested (not
 * required, so token and anonymous requests still connect) and trusted only when the cluster CA
 * signed them. A client that presents a certificate from another CA fails the handshake.
 */
public final class ServerTls {

  private ServerTls() {}

  /** Configures {@code options} for HTTPS with {@code pki}; returns the same options. */
  public static HttpServerOptions apply(HttpServerOptions options, Pki pki) {
    CertAndKey serving = pki.serving();
    return options
        .setSsl(true)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .addCertValue(Buffer.buffer(serving.certificatePem()))
                .addKeyValue(Buffer.buffer(serving.keyPem())))
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pki.caCertificatePem())))
        .setClientAuth(ClientAuth.REQUEST);
  }
}
