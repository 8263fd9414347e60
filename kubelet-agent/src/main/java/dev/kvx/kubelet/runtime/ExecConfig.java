package dev.kvx.kubelet.runtime;

import java.util.List;

/** A command to run in a container, and which of its streams are wired. */
public record ExecConfig(
    List<String> command, boolean stdin, boolean stdout, boolean stderr, boolean tty) {
  public ExecConfig {
    command = List.copyOf(command);
  }
}
