package io.tributary.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardIteratorTest {
  private final ShardIterator.Codec codec = new ShardIterator.Codec(new byte[16]);
  private final ShardIterator iterator = new ShardIterator(1_787_000_000_000L, "000000000000", "us-east-1",
      "n".repeat(128), 1_786_000_000_000L, "shardId-000000000003", 99);

  @Test
  void roundTripsWithinTheLengthLimit() {
    String text = codec.encode(iterator);
    assertTrue(text.length() <= 512, "length " + text.length());
    assertEquals(iterator, codec.decode(text));
    assertNotEquals(text, codec.encode(iterator), "each iterator is unique");
  }

  @Test
  void hasTheShapeOfAnAwsIterator() {
    for (ShardIterator each : List.of(iterator, new ShardIterator(1L, "1", "r", "s", 2L, "shardId-000000000000", 0),
        new ShardIterator(1L, "123456789012", "ap-southeast-2", "n".repeat(60), 2L, "shardId-000000000000", 0))) {
      String text = codec.encode(each);
      assertTrue(text.matches("[A-Za-z0-9+/]+={0,2}") && text.length() % 4 == 0, text);
      byte[] raw = Base64.getDecoder().decode(text);
      assertTrue(raw.length >= 152 && (raw.length - 152) % 16 == 0, "decodes to " + raw.length + " bytes");
      assertEquals("0000000000000001", HexFormat.of().formatHex(raw, 0, 8));
      assertEquals(each, codec.decode(text));
    }
    assertEquals(152, Base64.getDecoder().decode(codec.encode(
        new ShardIterator(1L, "1", "r", "s", 2L, "shardId-000000000000", 0))).length, "the shortest is 152 bytes");
    // As AWS's: 152 + 16 * floor((name length + 2) / 16) bytes.
    for (int nameLength : new int[] {1, 13, 14, 29, 30, 35, 100, 128}) {
      ShardIterator named = new ShardIterator(1L, "000000000000", "us-east-1", "n".repeat(nameLength), 2L,
          "shardId-000000000000", 0);
      assertEquals(152 + (nameLength + 2) / 16 * 16, Base64.getDecoder().decode(codec.encode(named)).length,
          "a name of " + nameLength);
    }
  }

  @Test
  void noncesDoNotRepeatAcrossCodecsOfOneKey() {
    ShardIterator.Codec restarted = new ShardIterator.Codec(new byte[16]);
    Set<String> nonces = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      for (ShardIterator.Codec each : List.of(codec, restarted)) {
        byte[] raw = Base64.getDecoder().decode(each.encode(iterator));
        String nonce = HexFormat.of().formatHex(raw, 8, 20);
        assertTrue(nonces.add(nonce), "nonce " + nonce + " repeated after " + nonces.size());
      }
    }
    assertEquals(iterator, restarted.decode(codec.encode(iterator)), "both codecs share the key");
  }

  @Test
  void rejectsEveryAlteredIterator() {
    String text = codec.encode(iterator);
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      char[] chars = text.toCharArray();
      int at = random.nextInt(chars.length);
      chars[at] = chars[at] == 'A' ? 'B' : 'A';
      assertNull(codec.decode(new String(chars)), "changed at " + at);
    }
    byte[] raw = Base64.getDecoder().decode(text);
    raw[7] = 2;
    assertNull(codec.decode(Base64.getEncoder().encodeToString(raw)), "another version");
    assertNull(codec.decode(text.substring(0, text.length() - 1)));
    assertNull(codec.decode("!!!"));
    assertNull(new ShardIterator.Codec(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}).decode(text),
        "another server's key");
  }
}
