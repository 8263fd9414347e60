package dev.kvx.kubelet.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ElfInterpreterTest {
  private static final int PT_LOAD = 1;
  private static final int PT_INTERP = 3;

  @TempDir Path dir;

  static Stream<Arguments> binaries() {
    return Stream.of(
        Arguments.of(
            "64-bit little-endian, dynamic",
            true,
            ByteOrder.LITTLE_ENDIAN,
            "/lib64/ld-linux-x86-64.so.2"),
        Arguments.of("64-bit little-endian, static", true, ByteOrder.LITTLE_ENDIAN, null),
        Arguments.of("32-bit big-endian, dynamic", false, ByteOrder.BIG_ENDIAN, "/lib/ld.so.1"),
        Arguments.of("32-bit little-endian, static", false, ByteOrder.LITTLE_ENDIAN, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void readsTheInterpreterOfThe32And64BitLayouts(
      String name, boolean is64, ByteOrder order, String interpreter) throws IOException {
    Path file = dir.resolve("bin");
    Files.write(file, elf(is64, order, interpreter));

    assertThat(ElfInterpreter.of(file)).isEqualTo(Optional.ofNullable(interpreter));
  }

  @Test
  void aDynamicallyLinkedHostBinaryNamesTheDynamicLoader() throws IOException {
    // /bin/ls of Debian (coreutils) is a PIE linked against glibc on every architecture.
    assertThat(ElfInterpreter.of(Path.of("/bin/ls")))
        .hasValueSatisfying(i -> assertThat(i).startsWith("/lib").contains("ld-"));
  }

  @Test
  void aScriptIsNoElfExecutable() throws IOException {
    Path script = dir.resolve("busybox");
    Files.writeString(script, "#!/bin/sh\necho I am not busybox, but long enough for a header\n");

    assertThatThrownBy(() -> ElfInterpreter.of(script))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not an ELF executable");
  }

  @Test
  void aTruncatedHeaderIsRefused() throws IOException {
    Path file = dir.resolve("short");
    byte[] full = elf(true, ByteOrder.LITTLE_ENDIAN, "/lib/ld.so");
    Files.write(file, java.util.Arrays.copyOf(full, 40));

    assertThatThrownBy(() -> ElfInterpreter.of(file)).isInstanceOf(IOException.class);
  }

  /**
   * A minimal ELF image: header, a PT_LOAD entry, then (when {@code interpreter} is given) a
   * PT_INTERP entry whose string follows the table.
   */
  private static byte[] elf(boolean is64, ByteOrder order, String interpreter) {
    int ehsize = is64 ? 64 : 52;
    int phentsize = is64 ? 56 : 32;
    int phnum = interpreter == null ? 1 : 2;
    byte[] interp =
        interpreter == null
            ? new byte[0]
            : (interpreter + "\0").getBytes(StandardCharsets.US_ASCII);
    int interpOffset = ehsize + phnum * phentsize;
    ByteBuffer b = ByteBuffer.allocate(interpOffset + interp.length + 16).order(order);
    b.put(
        new byte[] {
          0x7f,
          'E',
          'L',
          'F',
          (byte) (is64 ? 2 : 1),
          (byte) (order == ByteOrder.BIG_ENDIAN ? 2 : 1),
          1
        });
    b.putShort(16, (short) 2); // ET_EXEC
    if (is64) {
      b.putLong(0x20, ehsize);
      b.putShort(0x36, (short) phentsize);
      b.putShort(0x38, (short) phnum);
    } else {
      b.putInt(0x1c, ehsize);
      b.putShort(0x2a, (short) phentsize);
      b.putShort(0x2c, (short) phnum);
    }
    b.putInt(ehsize, PT_LOAD);
    if (interpreter != null) {
      int at = ehsize + phentsize;
      b.putInt(at, PT_INTERP);
      if (is64) {
        b.putLong(at + 8, interpOffset);
        b.putLong(at + 32, interp.length);
      } else {
        b.putInt(at + 4, interpOffset);
        b.putInt(at + 16, interp.length);
      }
      b.put(interpOffset, interp);
    }
    return b.array();
  }
}
