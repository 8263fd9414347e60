package dev.kvx.kubelet.runtime.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * docker-java's transport with one repair: a hijacked request (exec or attach with stdin) whose
 * stdin ends half-closes the connection, as the docker CLI does ({@code CloseWrite}), so the
 * command reads end of file — {@code echo hi | kubectl exec -i pod -- cat} terminates.
 * docker-java's Apache HttpClient 5 transport never closes the write side (docker-java issues #1448
 * and #1684).
 *
 * <p>Only requests with a hijacked stdin on a {@code unix://} engine take this path; the request
 * itself (path, headers, JSON body) is still built by docker-java, and everything else goes to the
 * wrapped transport.
 */
final class HalfClosingHijackTransport implements DockerHttpClient {
  private final DockerHttpClient delegate;
  private final Path socket;

  /** {@code socket}: the engine's unix socket, or null to always use {@code delegate}. */
  HalfClosingHijackTransport(DockerHttpClient delegate, Path socket) {
    this.delegate = delegate;
    this.socket = socket;
  }

  @Override
  public Response execute(Request request) {
    if (request.hijackedInput() == null || socket == null) {
      return delegate.execute(request);
    }
    try {
      return hijack(request);
    } catch (IOException e) {
      throw new UncheckedIOException("hijacked " + request.method() + " " + request.path(), e);
    }
  }

  private Response hijack(Request request) throws IOException {
    SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    try {
      byte[] body = body(request);
      StringBuilder head = new StringBuilder();
      head.append(request.method()).append(' ').append(request.path()).append(" HTTP/1.1\r\n");
      head.append("Host: docker\r\n");
      request.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("Connection: Upgrade\r\nUpgrade: tcp\r\n");
      head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
      writeFully(channel, head.toString().getBytes(StandardCharsets.ISO_8859_1));
      writeFully(channel, body);

      ChannelInput in = new ChannelInput(channel);
      String statusLine = in.readLine();
      int status = statusCode(statusLine);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers
              .computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
              .add(line.substring(colon + 1).trim());
        }
      }
      if (status == 101 || status == 200) {
        Thread copier =
            new Thread(() -> copyStdin(request.hijackedInput(), channel), "docker-stdin-copier");
        copier.setDaemon(true);
        copier.start();
      }
      // docker-java expects 200 for a hijacked stream, as its own transport reports after 101.
      return new HijackedResponse(status == 101 ? 200 : status, headers, in, channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static byte[] body(Request request) throws IOException {
    if (request.bodyBytes() != null) {
      return request.bodyBytes();
    }
    InputStream body = request.body();
    return body == null ? new byte[0] : body.readAllBytes();
  }

  private static int statusCode(String statusLine) throws IOException {
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP response: " + statusLine);
    }
    return Integer.parseInt(parts[1]);
  }

  /** Copies stdin to the engine, then closes the connection's write side: the command sees EOF. */
  private static void copyStdin(InputStream stdin, SocketChannel channel) {
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = stdin.read(buf)) >= 0) {
        writeFully(channel, java.util.Arrays.copyOf(buf, n));
      }
      channel.shutdownOutput();
    } catch (IOException e) {
      // the exec ended (connection closed) before its stdin did
    }
  }

  private static void writeFully(SocketChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  /**
   * Reads the channel directly: the streams of {@code Channels} lock the channel for a blocking
   * read, which would stall the stdin writer.
   */
  private static final class ChannelInput extends InputStream {
    private final SocketChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocate(16 * 1024).flip();

    ChannelInput(SocketChannel channel) {
      this.channel = channel;
    }

    private boolean fill() throws IOException {
      if (buf.hasRemaining()) {
        return true;
      }
      buf.clear();
      int n = channel.read(buf);
      buf.flip();
      return n > 0;
    }

    @Override
    public int read() throws IOException {
      return fill() ? buf.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, buf.remaining());
      buf.get(b, off, n);
      return n;
    }

    String readLine() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int c;
      while ((c = read()) >= 0 && c != '\n') {
        if (c != '\r') {
          line.write(c);
        }
      }
      if (c < 0 && line.size() == 0) {
        throw new IOException("connection closed before the response headers");
      }
      return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private record HijackedResponse(
      int status, Map<String, List<String>> headers, InputStream body, SocketChannel channel)
      implements Response {
    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    public Map<String, List<String>> getHeaders() {
      return headers;
    }

    @Override
    public String getHeader(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))
            && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    @Override
    public InputStream getBody() {
      return body;
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // closing
      }
    }
  }
}
