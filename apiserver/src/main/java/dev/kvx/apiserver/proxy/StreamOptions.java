package dev.kvx.apiserver.proxy;

import io.vertx.core.MultiMap;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The query of {@code pods/exec} and {@code pods/attach} ({@code PodExecOptions}, {@code
 * PodAttachOptions}) and what follows from it: the kubelet's query (upstream's {@code
 * streamParams}: flags as {@code 1}, one {@code command} per argument) and the SPDY streams a
 * client is expected to open. Pure.
 *
 * @param command empty for attach
 */
record StreamOptions(
    String container,
    boolean stdin,
    boolean stdout,
    boolean stderr,
    boolean tty,
    List<String> command) {

  static final String STREAM_ERROR = "error";
  static final String STREAM_STDIN = "stdin";
  static final String STREAM_STDOUT = "stdout";
  static final String STREAM_STDERR = "stderr";
  static final String STREAM_RESIZE = "resize";

  static StreamOptions parse(MultiMap query) {
    return new StreamOptions(
        query.get("container"),
        PodLogOptions.flag(query, "stdin"),
        PodLogOptions.flag(query, "stdout"),
        PodLogOptions.flag(query, "stderr"),
        PodLogOptions.flag(query, "tty"),
        List.copyOf(query.getAll("command")));
  }

  /** The kubelet's query string (no leading {@code ?}). */
  String kubeletQuery() {
    List<String> params = new ArrayList<>();
    if (stdin) {
      params.add("stdin=1");
    }
    if (stdout) {
      params.add("stdout=1");
    }
    if (stderr) {
      params.add("stderr=1");
    }
    if (tty) {
      params.add("tty=1");
    }
    for (String c : command) {
      params.add("command=" + URLEncoder.encode(c, StandardCharsets.UTF_8));
    }
    return String.join("&", params);
  }

  /**
   * The streams (by {@code streamType}) a SPDY client opens before any data flows, as the kubelet's
   * remotecommand server waits for them: error always; stdin, stdout when asked; stderr unless a
   * TTY merges it into stdout; resize with a TTY.
   */
  Set<String> expectedSpdyStreams() {
    Set<String> streams = new LinkedHashSet<>();
    streams.add(STREAM_ERROR);
    if (stdin) {
      streams.add(STREAM_STDIN);
    }
    if (stdout) {
      streams.add(STREAM_STDOUT);
    }
    if (stderr && !tty) {
      streams.add(STREAM_STDERR);
    }
    if (tty) {
      streams.add(STREAM_RESIZE);
    }
    return streams;
  }
}
