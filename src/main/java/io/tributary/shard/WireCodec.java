package io.tributary.shard;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The event-bus codec of one immutable shard message type. Delivered on the same node the message object
 * itself is handed over (no copy); sent to another node it is written in a compact binary form
 * ({@link ShardCodecs} documents each one), which the receiving node, knowing the codec by its name, reads.
 *
 * <p>The name carries the format's version, so that nodes speaking different formats fail to find each
 * other's codec rather than misread a message.
 */
final class WireCodec<T> implements MessageCodec<T, T> {
  static final String NAME_PREFIX = "tributary.shard.v1.";

  interface Encoder<T> {
    void encode(T message, WireWriter out);
  }

  interface Decoder<T> {
    T decode(WireReader in);
  }

  private final Class<T> type;
  private final String name;
  private final Encoder<T> encoder;
  private final Decoder<T> decoder;

  WireCodec(Class<T> type, Encoder<T> encoder, Decoder<T> decoder) {
    this.type = type;
    this.name = NAME_PREFIX + type.getName().substring(type.getPackageName().length() + 1);
    this.encoder = encoder;
    this.decoder = decoder;
  }

  Class<T> type() {
    return type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    encoder.encode(message, new WireWriter(buffer));
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    return decoder.decode(new WireReader(buffer, pos));
  }

  @Override
  public T transform(T message) {
    return message;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
