package io.tributary.api.operation;

import io.tributary.api.KinesisException;
import io.tributary.shard.ShardIterator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The NextToken of a paged listing: for which account it was made, what it lists (a stream, or an account
 * and region), where the last page ended, what else the listing needs to go on (ListShards' filter), and
 * when it was made. Tokens are sealed with the server's iterator key, so a client can neither read nor
 * alter one, and they are honoured only for the account they were made for and the listing they came
 * from. They expire after 300 seconds, as AWS's do.
 *
 * <p>Plain layout (big-endian): kind byte 'P' | created (epoch ms, 8) | account, scope, last key, detail
 * (each: 2-byte length + UTF-8).
 */
record PageToken(long createdMillis, String account, String scope, String lastKey, String detail) {
  static final long LIFETIME_MILLIS = 300_000;
  private static final byte KIND = 'P';

  PageToken(long createdMillis, String account, String scope, String lastKey) {
    this(createdMillis, account, scope, lastKey, "");
  }

  String seal(ShardIterator.Codec codec) {
    byte[][] fields = {bytes(account), bytes(scope), bytes(lastKey), bytes(detail)};
    int size = 9;
    for (byte[] field : fields) size += 2 + field.length;
    ByteBuffer plain = ByteBuffer.allocate(size).put(KIND).putLong(createdMillis);
    for (byte[] field : fields) plain.putShort((short) field.length).put(field);
    return codec.seal(plain.array());
  }

  /**
   * The token a text seals, made for this account and, when a scope is given, this listing:
   * InvalidArgumentException for any other text, ExpiredNextTokenException once it is old.
   */
  static PageToken open(ShardIterator.Codec codec, String text, long nowMillis, String account, String scope) {
    PageToken token = read(codec.open(text));
    if (token == null || !token.account.equals(account) || (scope != null && !token.scope.equals(scope))) {
      throw KinesisException.invalidArgument("Invalid NextToken.");
    }
    if (nowMillis - token.createdMillis > LIFETIME_MILLIS) {
      throw KinesisException.client("ExpiredNextTokenException", "The requested token has expired. Please call "
          + "the API without a NextToken to get a fresh token.");
    }
    return token;
  }

  private static PageToken read(byte[] opened) {
    if (opened == null || opened.length < 9) return null;
    try {
      ByteBuffer plain = ByteBuffer.wrap(opened);
      if (plain.get() != KIND) return null;
      long created = plain.getLong();
      return new PageToken(created, string(plain), string(plain), string(plain), string(plain));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static byte[] bytes(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0xFFFF) throw new IllegalArgumentException("page token field longer than 65535 bytes");
    return bytes;
  }

  private static String string(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.getShort() & 0xFFFF];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
