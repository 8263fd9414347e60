package dev.kvx.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Documents are served as kube-openapi serves them: hashed URLs are immutable, stale ones redirect. */
class OpenApiV3ServeTest {

  private Vertx vertx;
  private HttpServer server;
  private OpenApiV3 openApi;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    openApi = new OpenApiV3(ResourceRegistry.withBuiltins());
    Router router = Router.router(vertx);
    router.get("/openapi/v3/apis/:group/:version").blockingHandler(
        rc -> openApi.serve(rc, rc.pathParam("group"), rc.pathParam("version")));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    server.close().await();
    vertx.close().await();
  }

  private HttpResponse<String> get(String path, String ifNoneMatch) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
    if (ifNoneMatch != null) {
      b.header("If-None-Match", ifNoneMatch);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void hashedUrlsAreImmutableAndStaleOnesRedirect() throws Exception {
    String hash = openApi.hash("apps", "v1");
    HttpResponse<String> current = get("/openapi/v3/apis/apps/v1?hash=" + hash, null);
    assertThat(current.statusCode()).isEqualTo(200);
    assertThat(current.headers().firstValue("Cache-Control")).hasValue("public, immutable");
    assertThat(current.headers().firstValue("Expires")).isPresent();
    assertThat(Json.parse(current.body()).at("/components/schemas").has("io.k8s.api.apps.v1.Deployment")).isTrue();

    HttpResponse<String> stale = get("/openapi/v3/apis/apps/v1?hash=0123", null);
    assertThat(stale.statusCode()).isEqualTo(301);
    assertThat(stale.headers().firstValue("Location")).hasValue("/openapi/v3/apis/apps/v1?hash=" + hash);

    HttpResponse<String> plain = get("/openapi/v3/apis/apps/v1", null);
    assertThat(plain.headers().firstValue("Cache-Control")).hasValue("no-cache, private");
    String etag = plain.headers().firstValue("ETag").orElseThrow();
    assertThat(get("/openapi/v3/apis/apps/v1", etag).statusCode()).isEqualTo(304);

    assertThat(get("/openapi/v3/apis/nope.example.com/v1", null).statusCode()).isEqualTo(404);
  }
}
