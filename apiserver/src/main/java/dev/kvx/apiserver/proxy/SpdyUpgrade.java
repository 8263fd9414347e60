package dev.kvx.apiserver.proxy;

import io.vertx.core.Future;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.net.NetSocket;

/**
 * Accepts an HTTP/1.1 {@code Upgrade: SPDY/3.1} request and hands back the raw connection, as
 * apimachinery's {@code spdy.Upgrader} does: 101 with {@code Connection: Upgrade}, {@code Upgrade:
 * SPDY/3.1} and the negotiated {@code X-Stream-Protocol-Version}.
 *
 * <p>kubectl sends the upgrade as a POST, and Vert.x's public {@code toNetSocket()} takes only
 * CONNECT and GET upgrades; so for POST the 101 goes out as an ordinary (empty) response and the
 * HTTP/1.x connection is then turned into a socket with Vert.x's own {@code
 * Http1xServerConnection.netSocket()} (what {@code toNetSocket()} does after its 101), before
 * anything more is read from it. Event loop only.
 */
final class SpdyUpgrade {

  private SpdyUpgrade() {}

  static Future<NetSocket> accept(HttpServerRequest request, String protocol) {
    HttpServerResponse response = request.response();
    response
        .putHeader("Connection", "Upgrade")
        .putHeader("Upgrade", StreamProtocols.UPGRADE_SPDY)
        .putHeader(StreamProtocols.PROTOCOL_HEADER, protocol);
    if (request.method() == HttpMethod.GET) {
      return request.toNetSocket();
    }
    HttpConnection connection = request.connection();
    if (!(connection instanceof Http1xServerConnection http1)) {
      return Future.failedFuture(new IllegalStateException("SPDY upgrades need HTTP/1.1"));
    }
    response.setStatusCode(101);
    response.end();
    return http1.netSocket();
  }
}
