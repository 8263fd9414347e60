package dev.kvx.apiserver.proxy;

import java.util.ArrayList;
import java.util.List;

/**
 * The remote-command stream protocols of {@code pods/exec} and {@code pods/attach}, as
 * k8s.io/apimachinery names them: the WebSocket sub-protocols (one channel byte before each binary
 * message) and the SPDY/3.1 upgrade with its {@code X-Stream-Protocol-Version} negotiation.
 */
final class StreamProtocols {

  /** WebSocket, with the close signal {@code 0xff <channel>} (kubectl 1.30+). */
  static final String V5 = "v5.channel.k8s.io";

  /** JSON {@code Status} on the error channel; over SPDY and WebSocket (fabric8 offers only it). */
  static final String V4 = "v4.channel.k8s.io";

  /** The original protocol: a plain-text error message on the error channel. */
  static final String V1 = "channel.k8s.io";

  /**
   * The sub-protocols the API server accepts on a WebSocket upgrade, newest first: the ones the
   * kubelet-agent speaks, since frames are relayed to it unchanged.
   */
  static final List<String> WEBSOCKET = List.of(V5, V4, V1);

  /** What the API server terminates over SPDY: kubectl 1.27–1.29 offer v4 first. */
  static final List<String> SPDY = List.of(V4);

  /** What the API server asks of the kubelet when it translates SPDY: v5, to end stdin. */
  static final List<String> KUBELET_FOR_SPDY = List.of(V5, V4);

  static final String UPGRADE_SPDY = "SPDY/3.1";
  static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";

  static final byte STDIN = 0;
  static final byte STDOUT = 1;
  static final byte STDERR = 2;
  static final byte ERROR = 3;
  static final byte RESIZE = 4;

  /** v5's close signal: {@code 0xff} then the channel whose sender is done. */
  static final byte CLOSE = (byte) 0xff;

  private StreamProtocols() {}

  /**
   * The first protocol the client offers that the server supports, or null: the client's order
   * wins, as in apimachinery's {@code httpstream.Handshake} and Netty's sub-protocol selection.
   * Each offered value may itself be a comma-separated list (one header line, or several).
   */
  static String negotiate(List<String> offered, List<String> supported) {
    for (String protocol : split(offered)) {
      if (supported.contains(protocol)) {
        return protocol;
      }
    }
    return null;
  }

  /** The offered protocols one by one, trimmed, empty ones dropped. */
  static List<String> split(List<String> offered) {
    List<String> all = new ArrayList<>();
    for (String value : offered) {
      for (String part : value.split(",")) {
        String p = part.trim();
        if (!p.isEmpty()) {
          all.add(p);
        }
      }
    }
    return all;
  }
}
