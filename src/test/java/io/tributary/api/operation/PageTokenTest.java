package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.api.KinesisException;
import io.tributary.shard.ShardIterator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class PageTokenTest {
  private static final ShardIterator.Codec CODEC = new ShardIterator.Codec(new byte[16]);
  private static final long NOW = 1_750_000_000_000L;

  private static void assertInvalid(Executable call) {
    KinesisException error = assertThrows(KinesisException.class, call);
    assertEquals("InvalidArgumentException", error.type());
    assertEquals("Invalid NextToken.", error.getMessage());
  }

  @Test
  void opensForTheAccountAndListingItWasMadeFor() {
    PageToken made = new PageToken(NOW, "111111111111", "111111111111/us-east-1/orders", "shardId-000000000003",
        "AT_LATEST\t\t\t" + NOW);
    String text = made.seal(CODEC);
    assertFalse(text.contains("orders"), "the token hides what it lists");
    assertEquals(made, PageToken.open(CODEC, text, NOW + 1000, "111111111111", null));
    assertEquals(made, PageToken.open(CODEC, text, NOW, "111111111111", "111111111111/us-east-1/orders"));

    assertInvalid(() -> PageToken.open(CODEC, text, NOW, "222222222222", null));
    assertInvalid(() -> PageToken.open(CODEC, text, NOW, "111111111111", "111111111111/us-east-1/payments"));
  }

  @Test
  void expiresAfterFiveMinutes() {
    String text = new PageToken(NOW, "111111111111", "111111111111/us-east-1", "orders").seal(CODEC);
    PageToken.open(CODEC, text, NOW + PageToken.LIFETIME_MILLIS, "111111111111", "111111111111/us-east-1");
    KinesisException expired = assertThrows(KinesisException.class,
        () -> PageToken.open(CODEC, text, NOW + PageToken.LIFETIME_MILLIS + 1, "111111111111", "111111111111/us-east-1"));
    assertEquals("ExpiredNextTokenException", expired.type());
  }

  @Test
  void refusesForgedAlteredAndForeignTokens() {
    String text = new PageToken(NOW, "111111111111", "scope", "last").seal(CODEC);
    char[] altered = text.toCharArray();
    altered[20] = altered[20] == 'A' ? 'B' : 'A';
    assertInvalid(() -> PageToken.open(CODEC, new String(altered), NOW, "111111111111", "scope"));
    assertInvalid(() -> PageToken.open(new ShardIterator.Codec(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
        14, 15, 16}), text, NOW, "111111111111", "scope"));
    assertInvalid(() -> PageToken.open(CODEC, "not-a-token", NOW, "111111111111", "scope"));
    assertInvalid(() -> PageToken.open(CODEC, CODEC.seal("P".getBytes(StandardCharsets.UTF_8)), NOW, "111111111111", "scope"));

    // Iterators and page tokens share the key, never their meaning.
    String iterator = CODEC.encode(new ShardIterator(NOW, "111111111111", "us-east-1", "orders", NOW, "shardId-000000000000", 0));
    assertInvalid(() -> PageToken.open(CODEC, iterator, NOW, "111111111111", null));
    assertNull(CODEC.decode(text));
  }
}
