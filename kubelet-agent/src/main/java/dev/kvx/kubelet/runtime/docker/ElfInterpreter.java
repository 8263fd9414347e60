package dev.kvx.kubelet.runtime.docker;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Reads the program interpreter ({@code PT_INTERP}, e.g. {@code /lib64/ld-linux-x86-64.so.2}) of an
 * ELF executable: a binary that names one needs the dynamic loader and libc at run time, so it
 * cannot run in an image built {@code FROM scratch}. Static executables, static-pie ones included,
 * have none. Only the ELF header and the program header table are read.
 */
final class ElfInterpreter {
  private static final int PT_INTERP = 3;
  private static final int ELFCLASS32 = 1;
  private static final int ELFCLASS64 = 2;
  private static final int ELFDATA2MSB = 2;
  private static final int MAX_INTERP = 4096;

  private ElfInterpreter() {}

  /**
   * The interpreter {@code file} names, empty when it is statically linked.
   *
   * @throws IOException when {@code file} cannot be read or is not an ELF executable (the message
   *     says which)
   */
  static Optional<String> of(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer ident = read(ch, 0, 16, file);
      if (ident.getInt(0) != 0x7f454c46) {
        throw new IOException(file + " is not an ELF executable");
      }
      int elfClass = ident.get(4);
      if (elfClass != ELFCLASS32 && elfClass != ELFCLASS64) {
        throw new IOException(file + ": unknown ELF class " + elfClass);
      }
      boolean is64 = elfClass == ELFCLASS64;
      ByteOrder order =
          ident.get(5) == ELFDATA2MSB ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
      ByteBuffer header = read(ch, 0, is64 ? 64 : 52, file).order(order);
      long phoff = is64 ? header.getLong(0x20) : Integer.toUnsignedLong(header.getInt(0x1c));
      int phentsize = Short.toUnsignedInt(header.getShort(is64 ? 0x36 : 0x2a));
      int phnum = Short.toUnsignedInt(header.getShort(is64 ? 0x38 : 0x2c));
      if (phnum > 0 && phentsize < (is64 ? 56 : 32)) {
        throw new IOException(file + ": malformed ELF program header table");
      }
      ByteBuffer table = read(ch, phoff, phnum * phentsize, file).order(order);
      for (int i = 0; i < phnum; i++) {
        int at = i * phentsize;
        if (table.getInt(at) != PT_INTERP) {
          continue;
        }
        long offset = is64 ? table.getLong(at + 8) : Integer.toUnsignedLong(table.getInt(at + 4));
        long size = is64 ? table.getLong(at + 32) : Integer.toUnsignedLong(table.getInt(at + 16));
        if (size < 0 || size > MAX_INTERP) {
          throw new IOException(file + ": malformed ELF interpreter entry");
        }
        ByteBuffer path = read(ch, offset, (int) size, file);
        String interp = StandardCharsets.US_ASCII.decode(path).toString();
        int nul = interp.indexOf('\0');
        return Optional.of(nul < 0 ? interp : interp.substring(0, nul));
      }
      return Optional.empty();
    }
  }

  private static ByteBuffer read(FileChannel ch, long position, int length, Path file)
      throws IOException {
    if (position < 0 || position + length > ch.size()) {
      throw new IOException(file + " is not an ELF executable (truncated)");
    }
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      if (ch.read(buf, position + buf.position()) < 0) {
        throw new EOFException(file + ": unexpected end of file");
      }
    }
    return buf.flip();
  }
}
