package dev.kvx.apiserver.auth;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/**
 * Who sent a request, as kube-apiserver's union authenticator decides it: first a client
 * certificate signed by the cluster CA (CN is the user, each O a group, as upstream's x509
 * authenticator), then an {@code Authorization: Bearer} token from {@code tokens.csv}. Every
 * authenticated user also gets {@code system:authenticated}. No credentials, or wrong ones, give
 * empty: the caller answers 401.
 *
 * <p>Non-blocking and cheap (a certificate is checked once per TLS session, then cached in it): call
 * it on the event loop.
 */
public final class Authenticator {

  // SSLSession values live as long as the session, so a connection's certificate is verified once.
  private static final String SESSION_USER = "dev.kvx.apiserver.auth.user";
  private static final String EXT_KEY_USAGE_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  private final Pki pki;
  private final TokenFile tokens;
  private final Clock clock;

  public Authenticator(Pki pki) {
    this(pki, pki.tokens(), Clock.systemUTC());
  }

  Authenticator(Pki pki, TokenFile tokens, Clock clock) {
    this.pki = pki;
    this.tokens = tokens;
    this.clock = clock;
  }

  public Optional<UserInfo> authenticate(HttpServerRequest request) {
    Optional<UserInfo> user = fromSession(request.connection());
    if (user.isEmpty()) {
      user = bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION)).flatMap(tokens::user);
    }
    return user.map(UserInfo::withAuthenticatedGroup);
  }

  /**
   * Runs the certificate path once (class loading, first signature check), so the first client
   * does not pay for it on an event loop. Blocking; call it off the event loop.
   */
  public void warmUp() {
    authenticateCertificate(pki.admin().certificate());
  }

  /** The user of a verified client certificate chain (leaf first), if the cluster CA issued it. */
  Optional<UserInfo> authenticateCertificate(X509Certificate certificate) {
    Date now = Date.from(clock.instant());
    if (!pki.issued(certificate)
        || now.before(certificate.getNotBefore())
        || now.after(certificate.getNotAfter())
        || !allowsClientAuth(certificate)) {
      return Optional.empty();
    }
    X500Name subject;
    try {
      subject = new JcaX509CertificateHolder(certificate).getSubject();
    } catch (CertificateEncodingException e) {
      return Optional.empty();
    }
    List<String> commonNames = values(subject, BCStyle.CN);
    if (commonNames.isEmpty() || commonNames.get(0).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new UserInfo(commonNames.get(0), "", values(subject, BCStyle.O)));
  }

  private Optional<UserInfo> fromSession(HttpConnection connection) {
    SSLSession session = connection == null ? null : connection.sslSession();
    if (session == null) {
      return Optional.empty();
    }
    Object cached = session.getValue(SESSION_USER);
    if (cached instanceof UserInfo user) {
      return Optional.of(user);
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty(); // the client sent no certificate
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    Optional<UserInfo> user = authenticateCertificate(leaf);
    user.ifPresent(u -> session.putValue(SESSION_USER, u));
    return user;
  }

  // RFC 6750: "Bearer" is case-insensitive; an empty token is no token.
  static Optional<String> bearerToken(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String[] parts = authorization.strip().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].toLowerCase(Locale.ROOT).equals("bearer")) {
      return Optional.empty();
    }
    String token = parts[1].strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  // Upstream verifies client certificates with ExtKeyUsageClientAuth; a serving certificate from the
  // same CA must not log in as a user.
  private static boolean allowsClientAuth(X509Certificate certificate) {
    try {
      List<String> usages = certificate.getExtendedKeyUsage();
      return usages != null && usages.contains(EXT_KEY_USAGE_CLIENT_AUTH);
    } catch (CertificateParsingException e) {
      return false;
    }
  }

  private static List<String> values(X500Name name, ASN1ObjectIdentifier type) {
    List<String> values = new ArrayList<>();
    for (RDN rdn : name.getRDNs(type)) {
      // The plain string: IETFUtils.valueToString would add RFC 4514 escapes (a "\," in a group).
      ASN1Encodable value = rdn.getFirst().getValue();
      values.add(value instanceof ASN1String s ? s.getString() : IETFUtils.valueToString(value));
    }
    return values;
  }
}
