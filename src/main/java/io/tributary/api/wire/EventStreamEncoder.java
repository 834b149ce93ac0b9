package io.tributary.api.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Frames of the AWS event stream ({@code application/vnd.amazon.eventstream}), the body of a
 * SubscribeToShard answer: {@code total length (4) | headers length (4) | prelude CRC32 (4) | headers |
 * payload | message CRC32 (4)}, big-endian, each CRC the IEEE CRC-32 of every byte before it. Headers are
 * written as strings (type 7), in the order the AWS SDKs write them.
 */
public final class EventStreamEncoder {
  public static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";
  /** What the SDKs' decoders accept at most as a payload (the format's limit is 16 MiB). */
  public static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
  private static final byte STRING = 7;
  private static final String JSON = "application/json";

  private EventStreamEncoder() { }

  /** The first frame of a stream: the operation's non-event output members, of which SubscribeToShard has none. */
  public static Buffer initialResponse() {
    return event("initial-response", Buffer.buffer("{}"));
  }

  /** An event: {@code :message-type event}, its {@code :event-type} and a JSON payload. */
  public static Buffer event(String eventType, Buffer jsonPayload) {
    return frame(jsonPayload, ":message-type", "event", ":event-type", eventType, ":content-type", JSON);
  }

  /** A modeled error that ends the stream: {@code :message-type exception} with {@code {"message": ...}}. */
  public static Buffer exception(String exceptionType, String message) {
    ResponseWriter writer = new ResponseWriter(WireFormat.JSON, 64 + message.length());
    Buffer payload = writer.startObject().field("message", message).endObject().finish();
    return frame(payload, ":message-type", "exception", ":exception-type", exceptionType, ":content-type", JSON);
  }

  /** One frame with string headers given as name, value, name, value... */
  public static Buffer frame(Buffer payload, String... headers) {
    if (payload.length() > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("event-stream payload of " + payload.length() + " bytes is over 16 MiB");
    }
    Buffer headerBytes = Buffer.buffer(128);
    for (int i = 0; i < headers.length; i += 2) {
      byte[] name = headers[i].getBytes(StandardCharsets.UTF_8);
      byte[] value = headers[i + 1].getBytes(StandardCharsets.UTF_8);
      if (name.length == 0 || name.length > 255 || value.length == 0 || value.length > Short.MAX_VALUE) {
        throw new IllegalArgumentException("event-stream header " + headers[i] + " cannot be encoded");
      }
      headerBytes.appendByte((byte) name.length).appendBytes(name)
          .appendByte(STRING).appendUnsignedShort(value.length).appendBytes(value);
    }
    // The payload is not copied: the frame is the prelude and headers, the payload's own bytes, and the
    // message CRC, joined; the CRCs run over the bytes where they lie.
    int total = 12 + headerBytes.length() + payload.length() + 4;
    ByteBuf head = Unpooled.buffer(12 + headerBytes.length());
    head.writeInt(total).writeInt(headerBytes.length());
    CRC32 crc = new CRC32();
    crc.update(head.nioBuffer(0, 8));
    head.writeInt((int) crc.getValue());
    head.writeBytes(((BufferInternal) headerBytes).getByteBuf());
    crc.reset();
    crc.update(head.nioBuffer());
    ByteBuf body = ((BufferInternal) payload).getByteBuf();
    for (ByteBuffer part : body.nioBuffers()) crc.update(part);
    ByteBuf tail = Unpooled.buffer(4).writeInt((int) crc.getValue());
    return BufferInternal.buffer(Unpooled.wrappedBuffer(head, body, tail));
  }
}
