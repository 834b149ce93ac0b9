package io.tributary.api.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * Writes a response document in the request's format. Blobs become base64 text in JSON and byte strings
 * in CBOR; timestamps become epoch seconds with a millisecond fraction in JSON and tag 1 + epoch
 * milliseconds in CBOR. Null values are left out, as AWS does.
 */
public final class ResponseWriter {
  private final WireFormat format;
  private final Buffer buffer;
  private final JsonGenerator generator;

  public ResponseWriter(WireFormat format, int sizeHint) {
    this.format = format;
    this.buffer = Buffer.buffer(sizeHint);
    try {
      this.generator = format.factory().createGenerator(new BufferOutputStream(buffer));
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
      generator.writeBinary(data);
    });
  }

  public ResponseWriter timestamp(String name, long epochMillis) {
    return run(() -> {
      generator.writeFieldName(name);
      if (format == WireFormat.CBOR) {
        ((CBORGenerator) generator).writeTag(1);
        generator.writeNumber(epochMillis);
      } else {
        generator.writeNumber(BigDecimal.valueOf(epochMillis, 3));
      }
    });
  }

  /** Finishes the document and returns its bytes. */
  public Buffer finish() {
    run(generator::close);
    return buffer;
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

  /** Appends straight into a Vert.x buffer, so the encoded response is never copied. */
  private static final class BufferOutputStream extends OutputStream {
    private final Buffer buffer;

    BufferOutputStream(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      buffer.appendBytes(b, off, len);
    }
  }
}
