package io.tributary.api.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Writes a response document in the request's format. Blobs become base64 text in JSON and byte strings
 * in CBOR; timestamps become epoch seconds with a millisecond fraction in JSON and tag 1 + epoch
 * milliseconds in CBOR. Null values are left out, as AWS does.
 */
public final class ResponseWriter {
  private final WireFormat format;
  private final ChunkedOutputStream output;
  private final JsonGenerator generator;
  /** Base64 text of blobs up to this size is built in one reused array; larger ones in their own. */
  private static final int SCRATCH_BYTES = 16 * 1024;
  private byte[] base64Scratch;

  public ResponseWriter(WireFormat format, int sizeHint) {
    this.format = format;
    this.output = new ChunkedOutputStream(sizeHint);
    try {
      this.generator = format.factory().createGenerator(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public WireFormat format() { return format; }

  public ResponseWriter startObject() {
    return run(generator::writeStartObject);
  }

  public ResponseWriter startObject(String name) {
    return run(() -> generator.writeObjectFieldStart(name));
  }

  public ResponseWriter endObject() {
    return run(generator::writeEndObject);
  }

  public ResponseWriter startArray(String name) {
    return run(() -> generator.writeArrayFieldStart(name));
  }

  public ResponseWriter endArray() {
    return run(generator::writeEndArray);
  }

  public ResponseWriter string(String value) {
    return run(() -> generator.writeString(wellFormed(value)));
  }

  public ResponseWriter field(String name, String value) {
    if (value == null) return this;
    return run(() -> generator.writeStringField(name, wellFormed(value)));
  }

  /**
   * The text with each unpaired surrogate replaced by U+FFFD. Request strings can hold them (a JSON escape
   * of a lone surrogate, or invalid UTF-8 in CBOR text), and neither UTF-8 encoder writes one back.
   */
  static String wellFormed(String value) {
    StringBuilder fixed = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
      if (paired) {
        if (fixed != null) fixed.append(c).append(value.charAt(i + 1));
        i++;
      } else if (Character.isSurrogate(c)) {
        if (fixed == null) fixed = new StringBuilder(value.length()).append(value, 0, i);
        fixed.append('\uFFFD');
      } else if (fixed != null) {
        fixed.append(c);
      }
    }
    return fixed == null ? value : fixed.toString();
  }

  public ResponseWriter field(String name, long value) {
    return run(() -> generator.writeNumberField(name, value));
  }

  public ResponseWriter field(String name, Integer value) {
    if (value == null) return this;
    return run(() -> generator.writeNumberField(name, value));
  }

  public ResponseWriter field(String name, boolean value) {
    return run(() -> generator.writeBooleanField(name, value));
  }

  public ResponseWriter blob(String name, byte[] data) {
    return run(() -> {
      generator.writeFieldName(name);
      if (format == WireFormat.JSON) {
        writeBase64(data);
      } else {
        generator.writeBinary(data);
      }
    });
  }

  /**
   * A blob as JSON base64 text: the bytes Jackson's {@code writeBinary} writes (standard alphabet, padded, no
   * line breaks), encoded by the JDK's encoder, several times faster, and written as an already escaped string.
   */
  private void writeBase64(byte[] data) throws IOException {
    int length = (data.length + 2) / 3 * 4;
    byte[] text = length <= SCRATCH_BYTES ? scratch() : new byte[length];
    Base64.getEncoder().encode(data, text);
    generator.writeRawUTF8String(text, 0, length);
  }

  private byte[] scratch() {
    if (base64Scratch == null) base64Scratch = new byte[SCRATCH_BYTES];
    return base64Scratch;
  }

  public ResponseWriter timestamp(String name, long epochMillis) {
    return run(() -> {
      generator.writeFieldName(name);
      if (format == WireFormat.CBOR) {
        ((CBORGenerator) generator).writeTag(1);
        generator.writeNumber(epochMillis);
      } else {
        generator.writeNumber(epochSeconds(epochMillis));
      }
    });
  }

  /**
   * Epoch milliseconds as JSON writes a timestamp: seconds with a three-digit fraction, the text of
   * {@code BigDecimal.valueOf(epochMillis, 3)} (which Jackson writes for a BigDecimal), built without one.
   */
  static String epochSeconds(long epochMillis) {
    if (epochMillis < 0) return BigDecimal.valueOf(epochMillis, 3).toString();
    long fraction = epochMillis % 1000;
    char[] digits = {'.', (char) ('0' + fraction / 100), (char) ('0' + fraction / 10 % 10), (char) ('0' + fraction % 10)};
    return (epochMillis / 1000) + new String(digits);
  }

  /** Finishes the document and returns its bytes. */
  public Buffer finish() {
    run(generator::close);
    return output.finish();
  }

  private interface Write {
    void run() throws IOException;
  }

  private ResponseWriter run(Write write) {
    try {
      write.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /**
   * Collects the document in heap chunks of at most {@link #CHUNK_BYTES}, joined without copying at the
   * end. A GetRecords answer runs to megabytes; one array of that size would be a humongous allocation
   * under G1 (anything above half a region) and grow by copying, while chunks are ordinary young objects.
   * The chunks are plain arrays, filled with {@code System.arraycopy} as the generator flushes its buffer.
   */
  private static final class ChunkedOutputStream extends OutputStream {
    static final int CHUNK_BYTES = 64 * 1024;
    private final List<byte[]> full = new ArrayList<>();
    private byte[] current;
    private int position;

    ChunkedOutputStream(int sizeHint) {
      current = new byte[Math.max(16, Math.min(sizeHint, CHUNK_BYTES))];
    }

    @Override
    public void write(int b) {
      if (position == current.length) nextChunk();
      current[position++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      while (len > 0) {
        if (position == current.length) nextChunk();
        int n = Math.min(len, current.length - position);
        System.arraycopy(b, off, current, position, n);
        position += n;
        off += n;
        len -= n;
      }
    }

    private void nextChunk() {
      full.add(current);
      current = new byte[CHUNK_BYTES];
      position = 0;
    }

    Buffer finish() {
      if (full.isEmpty()) return BufferInternal.buffer(Unpooled.wrappedBuffer(current, 0, position));
      CompositeByteBuf chunks = Unpooled.compositeBuffer(full.size() + 1);
      for (byte[] chunk : full) chunks.addComponent(true, Unpooled.wrappedBuffer(chunk));
      chunks.addComponent(true, Unpooled.wrappedBuffer(current, 0, position));
      return BufferInternal.buffer(chunks);
    }
  }
}
