package dev.kvx.e2e.prometheus;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Reads components' /metrics pages as a scraper does: the API server's through the admin client (it
 * wants an authenticated user), the others with a plain HTTP(S) GET that, like the sample scrape
 * config's kubelet job, does not verify the self-signed serving certificates of loopback test
 * servers.
 */
final class MetricsPages {

  private final KubernetesClient admin;
  private final HttpClient http;

  MetricsPages(KubernetesClient admin) {
    this.admin = admin;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .sslContext(trustingContext())
            .build();
  }

  /** The page at {@code url}; {@code viaApiServer}: read with the admin client's credentials. */
  String read(String url, boolean viaApiServer) throws IOException {
    if (viaApiServer) {
      String page = admin.raw(url);
      if (page == null) {
        throw new IOException("GET " + url + " answered 404");
      }
      return page;
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "text/plain;version=0.0.4")
            .build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
      }
      return r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  // An X509ExtendedTrustManager that accepts everything also skips the JDK's host name check,
  // which a plain X509TrustManager would not.
  private static SSLContext trustingContext() {
    TrustManager trustAll =
        new X509ExtendedTrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) {}

          @Override
          public void checkClientTrusted(X509Certificate[] c, String authType, SSLEngine e) {}

          @Override
          public void checkServerTrusted(X509Certificate[] c, String authType, SSLEngine e) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustAll}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
