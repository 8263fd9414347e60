package dev.kvx.component.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.component.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ComponentServerTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicBoolean informersSynced = new AtomicBoolean(true);
  private Vertx vertx;
  private Metrics metrics;
  private HealthChecks checks;
  private ComponentServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    metrics = Metrics.create();
    checks =
        new HealthChecks()
            .add("leaderElection", HealthCheck.of(() -> true))
            .addReadyz("informer-sync", HealthCheck.of(informersSynced::get))
            .addLivez("slow-async", () -> vertx.timer(5).mapEmpty());
    server =
        await(
            ComponentServer.deploy(
                vertx, ComponentServer.Options.http("127.0.0.1", 0), checks, metrics.registry()));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
    metrics.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"/healthz", "/livez", "/readyz"})
  void healthyGroupAnswersOk(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  @Test
  void verboseListsEveryCheckOfTheGroup() throws Exception {
    assertThat(get("/readyz?verbose").body())
        .isEqualTo("[+]ping ok\n[+]leaderElection ok\n[+]informer-sync ok\nreadyz check passed\n");
    assertThat(get("/livez?verbose").body())
        .isEqualTo("[+]ping ok\n[+]leaderElection ok\n[+]slow-async ok\nlivez check passed\n");
    assertThat(get("/healthz?verbose").body())
        .isEqualTo("[+]ping ok\n[+]leaderElection ok\nhealthz check passed\n");
  }

  @Test
  void failingCheckAnswers500WithReasonWithheld() throws Exception {
    informersSynced.set(false);

    HttpResponse<String> r = get("/readyz");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body())
        .isEqualTo(
            "[+]ping ok\n[+]leaderElection ok\n[-]informer-sync failed: reason withheld\n"
                + "readyz check failed\n");
    assertThat(get("/livez").statusCode()).as("readyz-only check").isEqualTo(200);
  }

  @Test
  void excludeSkipsACheckAndWarnsAboutUnknownNames() throws Exception {
    informersSynced.set(false);

    HttpResponse<String> r = get("/readyz?exclude=informer-sync&exclude=nope&verbose");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo(
            "[+]ping ok\n[+]leaderElection ok\n[+]informer-sync excluded: ok\n"
                + "warn: some health checks cannot be excluded: no matches for \"nope\"\n"
                + "readyz check passed\n");
  }

  @Test
  void singleCheckPathsAnswerForOneCheck() throws Exception {
    assertThat(get("/readyz/informer-sync").body()).isEqualTo("ok");
    informersSynced.set(false);

    HttpResponse<String> failed = get("/readyz/informer-sync");
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(failed.body()).isEqualTo("internal server error: check returned false\n");
    assertThat(get("/livez/informer-sync").statusCode()).isEqualTo(404);
    assertThat(get("/healthz/ping").body()).isEqualTo("ok");
  }

  @Test
  void checksAddedAfterStartAreServed() throws Exception {
    checks.add("late", () -> Future.failedFuture("not yet"));
    assertThat(get("/healthz").statusCode()).isEqualTo(500);
    assertThat(get("/healthz/late").body()).isEqualTo("internal server error: not yet\n");
  }

  @Test
  void metricsPageIsPrometheusTextOrOpenMetricsWhenAsked() throws Exception {
    HttpResponse<String> text = get("/metrics");
    assertThat(text.statusCode()).isEqualTo(200);
    assertThat(text.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(text.body()).contains("# TYPE process_start_time_seconds gauge");
    assertThat(text.body()).doesNotContain("# EOF");

    HttpResponse<String> open =
        send(
            HttpRequest.newBuilder(uri("/metrics"))
                .header(
                    "Accept",
                    "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
                .build());
    assertThat(open.headers().firstValue("Content-Type"))
        .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(open.body()).contains("process_start_time_seconds").endsWith("# EOF\n");
  }

  @Test
  void servesHttpsWithPemFiles(@TempDir Path dir) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "localhost");
    ComponentServer tls =
        await(
            ComponentServer.deploy(
                vertx,
                ComponentServer.Options.https("127.0.0.1", 0, cert.certFile(), cert.keyFile()),
                checks,
                metrics.registry()));
    assertThat(tls.scheme()).isEqualTo("https");

    SSLContext trustIt = cert.trustingContext();
    HttpClient https = HttpClient.newBuilder().sslContext(trustIt).build();
    HttpResponse<String> r =
        https.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + tls.actualPort() + "/healthz"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    assertThat(server.actualPort()).isPositive();
    return URI.create("http://127.0.0.1:" + server.actualPort() + path);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, java.util.concurrent.TimeUnit.SECONDS);
  }
}
