package dev.kvx.apiserver.auth;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The cluster's PKI under {@code <dataDir>/pki/}, created on first start and reused afterwards (the
 * same CA, so kubeconfigs written earlier keep working):
 *
 * <ul>
 *   <li>{@code ca.crt}, {@code ca.key}: the cluster CA (EC P-256, ten years);
 *   <li>{@code apiserver.crt}, {@code apiserver.key}: the API server's serving certificate for
 *       localhost, the loopback addresses, the host name, the in-cluster {@code kubernetes.default…}
 *       names, {@code 10.96.0.1} and any extra SANs;
 *   <li>{@code admin.crt}, {@code admin.key}: the admin client certificate ({@code
 *       CN=kubernetes-admin, O=system:masters});
 *   <li>{@code tokens.csv}: static bearer tokens ({@code --token-auth-file} format), one admin token.
 * </ul>
 *
 * A serving or admin certificate is issued again (from the same CA) when it lacks a wanted SAN, is
 * within 90 days of expiry, or no longer matches the CA or its key, as k3s renews its certificates.
 * Keys are PEM files readable by their owner only.
 *
 * <p>{@link #loadOrCreate} does file I/O: call it off the event loop. A {@code Pki} is immutable
 * afterwards and safe to share between threads.
 */
public final class Pki {

  public static final String DIRECTORY = "pki";
  public static final String ADMIN_USER = "kubernetes-admin";
  public static final String DEFAULT_SERVICE_IP = "10.96.0.1";

  static final Duration RENEW_BEFORE = Duration.ofDays(90);
  private static final String CA_NAME = "kvx-ca";
  private static final String SERVING_NAME = "kube-apiserver";
  private static final List<String> DEFAULT_DNS_SANS =
      List.of(
          "localhost",
          "kubernetes",
          "kubernetes.default",
          "kubernetes.default.svc",
          "kubernetes.default.svc.cluster.local");
  private static final List<String> DEFAULT_IP_SANS = List.of("127.0.0.1", "::1", DEFAULT_SERVICE_IP);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path directory;
  private final CertificateAuthority ca;
  private final CertAndKey serving;
  private final CertAndKey admin;
  private final TokenFile tokens;

  private Pki(
      Path directory, CertificateAuthority ca, CertAndKey serving, CertAndKey admin,
      TokenFile tokens) {
    this.directory = directory;
    this.ca = ca;
    this.serving = serving;
    this.admin = admin;
    this.tokens = tokens;
  }

  /**
   * Loads the PKI under {@code <dataDir>/pki/}, creating whatever is missing. {@code extraSans} are
   * added to the serving certificate: DNS names or IP literals; a wildcard address ({@code 0.0.0.0},
   * {@code ::}) stands for every address of this host's interfaces. Blocking; several processes
   * starting on one data dir at once are serialized by a file lock.
   */
  public static Pki loadOrCreate(Path dataDir, List<String> extraSans) throws IOException {
    return loadOrCreate(dataDir, extraSans, Clock.systemUTC());
  }

  static Pki loadOrCreate(Path dataDir, List<String> extraSans, Clock clock) throws IOException {
    Path dir = dataDir.resolve(DIRECTORY);
    PemFiles.createPrivateDirectory(dir);
    // The file lock excludes other processes; the monitor excludes other threads of this JVM, for
    // which a second FileChannel.lock() would throw instead of waiting.
    synchronized (Pki.class) {
      try (FileChannel channel =
              FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        return load(dir, extraSans, clock);
      }
    }
  }

  private static Pki load(Path dir, List<String> extraSans, Clock clock) throws IOException {
    CertificateAuthority ca = loadOrCreateCa(dir, clock);
    Instant renewAfter = clock.instant().plus(RENEW_BEFORE);
    Predicate<CertAndKey> current =
        c -> ca.signed(c.certificate())
            && c.certificate().getNotAfter().toInstant().isAfter(renewAfter)
            && keyMatches(c);

    List<String> sans = servingSans(extraSans);
    CertAndKey serving =
        loadOrIssue(dir, "apiserver",
            current.and(c -> coversSans(c.certificate(), sans)),
            () -> ca.issueServing(SERVING_NAME, sans));
    CertAndKey admin =
        loadOrIssue(dir, "admin", current,
            () -> ca.issueClient(ADMIN_USER, List.of(UserInfo.MASTERS_GROUP)));
    return new Pki(dir, ca, serving, admin, loadOrCreateTokens(dir.resolve("tokens.csv")));
  }

  /** Where the PKI files live ({@code <dataDir>/pki}). */
  public Path directory() {
    return directory;
  }

  public X509Certificate caCertificate() {
    return ca.certAndKey().certificate();
  }

  /** The CA certificate as PEM: a kubeconfig's {@code certificate-authority-data}, a trust anchor. */
  public String caCertificatePem() {
    return ca.certAndKey().certificatePem();
  }

  /** The API server's serving certificate and key. */
  public CertAndKey serving() {
    return serving;
  }

  /** The admin client certificate: {@code CN=kubernetes-admin, O=system:masters}. */
  public CertAndKey admin() {
    return admin;
  }

  /** The static bearer tokens read from {@code tokens.csv}. */
  public TokenFile tokens() {
    return tokens;
  }

  /** The admin bearer token, unless someone removed it from {@code tokens.csv}. */
  public Optional<String> adminToken() {
    return tokens.tokenOf(ADMIN_USER);
  }

  /**
   * A new client certificate for user {@code commonName} in groups {@code organizations}, e.g.
   * {@code system:kube-scheduler}, or {@code system:node:<name>} in {@code system:nodes}. Not
   * stored: the caller embeds it in the component's kubeconfig. Pure computation, any thread.
   */
  public CertAndKey issueClientCertificate(String commonName, List<String> organizations) {
    return ca.issueClient(commonName, organizations);
  }

  /** True when {@code certificate} was signed by this cluster's CA. */
  public boolean issued(X509Certificate certificate) {
    return ca.signed(certificate);
  }

  /**
   * The ClusterIP of the {@code kubernetes} Service for a service CIDR: its first usable address,
   * as kube-apiserver picks it (10.96.0.0/12 → 10.96.0.1). Worth passing as an extra SAN when the
   * range is not the default one.
   */
  public static String kubernetesServiceIp(String serviceCidr) {
    String[] parts = serviceCidr.split("/", 2);
    if (parts.length != 2 || !CertificateAuthority.isIpLiteral(parts[0])) {
      throw new IllegalArgumentException("not a CIDR: " + serviceCidr);
    }
    try {
      byte[] network = InetAddress.getByName(parts[0]).getAddress();
      int bits = network.length * 8;
      int prefix = Integer.parseInt(parts[1]);
      if (prefix < 0 || prefix >= bits) {
        throw new IllegalArgumentException("not a CIDR: " + serviceCidr);
      }
      BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
          .shiftRight(prefix).not();
      BigInteger first = new BigInteger(1, network).and(mask).add(BigInteger.ONE);
      byte[] raw = first.toByteArray();
      byte[] address = new byte[network.length];
      int copy = Math.min(raw.length, address.length);
      System.arraycopy(raw, raw.length - copy, address, address.length - copy, copy);
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException("not a CIDR: " + serviceCidr, e);
    }
  }

  static List<String> servingSans(List<String> extraSans) {
    List<String> wanted = new ArrayList<>(DEFAULT_DNS_SANS);
    hostName().ifPresent(wanted::add);
    wanted.addAll(DEFAULT_IP_SANS);
    for (String san : extraSans) {
      String s = san.strip();
      if (s.startsWith("[") && s.endsWith("]")) {
        s = s.substring(1, s.length() - 1);
      }
      if (s.equals("0.0.0.0") || s.equals("::")) {
        wanted.addAll(interfaceAddresses());
      } else if (!s.isEmpty()) {
        wanted.add(s);
      }
    }
    Set<String> sans = new LinkedHashSet<>();
    wanted.forEach(s -> sans.add(normalize(s)));
    return List.copyOf(sans);
  }

  private static CertificateAuthority loadOrCreateCa(Path dir, Clock clock) throws IOException {
    Path crt = dir.resolve("ca.crt");
    Path key = dir.resolve("ca.key");
    if (Files.exists(crt) && Files.exists(key)) {
      return new CertificateAuthority(
          new CertAndKey(PemFiles.readCertificate(crt), PemFiles.readPrivateKey(key)), clock);
    }
    CertificateAuthority ca = CertificateAuthority.create(CA_NAME, clock);
    PemFiles.writeSecret(key, ca.certAndKey().keyPem());
    PemFiles.writePublic(crt, ca.certAndKey().certificatePem());
    return ca;
  }

  private static CertAndKey loadOrIssue(
      Path dir, String name, Predicate<CertAndKey> current, Supplier<CertAndKey> issue)
      throws IOException {
    Path crt = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    if (Files.exists(crt) && Files.exists(key)) {
      CertAndKey existing =
          new CertAndKey(PemFiles.readCertificate(crt), PemFiles.readPrivateKey(key));
      if (current.test(existing)) {
        return existing;
      }
    }
    CertAndKey issued = issue.get();
    PemFiles.writeSecret(key, issued.keyPem());
    PemFiles.writePublic(crt, issued.certificatePem());
    return issued;
  }

  private static TokenFile loadOrCreateTokens(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] secret = new byte[24];
      RANDOM.nextBytes(secret);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
      PemFiles.writeSecret(
          file,
          TokenFile.line(token, new UserInfo(ADMIN_USER, ADMIN_USER,
              List.of(UserInfo.MASTERS_GROUP))));
    }
    return TokenFile.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  // A crash between writing a key and its certificate would leave them unpaired; a signature
  // round trip tells.
  private static boolean keyMatches(CertAndKey pair) {
    try {
      String algorithm = "SHA256with" + (pair.key().getAlgorithm().equals("EC") ? "ECDSA" : "RSA");
      byte[] probe = "kvx".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(pair.key());
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(pair.certificate().getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean coversSans(X509Certificate certificate, List<String> wanted) {
    Set<String> present = new LinkedHashSet<>();
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      for (List<?> name : names == null ? List.<List<?>>of() : names) {
        present.add(normalize(String.valueOf(name.get(1))));
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    return wanted.stream().map(Pki::normalize).allMatch(present::contains);
  }

  // IP literals compare by address (the JDK prints ::1 as 0:0:0:0:0:0:0:1); getByName does no
  // DNS lookup for a literal.
  private static String normalize(String san) {
    if (!CertificateAuthority.isIpLiteral(san)) {
      return san.toLowerCase(Locale.ROOT);
    }
    try {
      return InetAddress.getByName(san).getHostAddress();
    } catch (UnknownHostException e) {
      return san;
    }
  }

  private static Optional<String> hostName() {
    try {
      String name = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
      return name.isEmpty() || CertificateAuthority.isIpLiteral(name)
          ? Optional.empty()
          : Optional.of(name);
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static List<String> interfaceAddresses() {
    List<String> addresses = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp()) {
          continue;
        }
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (!address.isLinkLocalAddress()) {
            String text = address.getHostAddress();
            int zone = text.indexOf('%');
            addresses.add(zone < 0 ? text : text.substring(0, zone));
          }
        }
      }
    } catch (SocketException e) {
      // No interface list: the loopback SANs still serve local clients.
    }
    return addresses;
  }
}
