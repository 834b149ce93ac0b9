package io.tributary.api.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.api.KinesisException;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** CanonicalBase64 accepts exactly what Base64Text accepts, with the same bytes. */
class CanonicalBase64Test {
  private static final String NEAR_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n.\u00e9";

  @Test
  void decodesEveryLengthOfRandomBytes() {
    SplittableRandom random = new SplittableRandom(1);
    for (int length = 0; length < 300; length++) {
      byte[] bytes = new byte[length];
      for (int i = 0; i < length; i++) bytes[i] = (byte) random.nextInt(256);
      char[] text = Base64.getEncoder().encodeToString(bytes).toCharArray();
      assertArrayEquals(bytes, CanonicalBase64.decode(text, 0, text.length));
    }
  }

  @Test
  void readsOnlyTheGivenRangeOfTheCharacters() {
    char[] text = "!!aGVsbG8=!!".toCharArray();
    assertArrayEquals("hello".getBytes(), CanonicalBase64.decode(text, 2, 8));
  }

  @Test
  void refusesWhatBase64TextRefusesAndAcceptsTheRest() {
    SplittableRandom random = new SplittableRandom(2);
    int accepted = 0;
    int refused = 0;
    for (int round = 0; round < 200_000; round++) {
      String text = candidate(random);
      byte[] expected;
      try {
        expected = Base64Text.decode(text);
      } catch (KinesisException e) {
        expected = null;
      }
      byte[] actual = CanonicalBase64.decode(text.toCharArray(), 0, text.length());
      if (expected == null) {
        assertNull(actual, () -> "accepted non-canonical '" + text + "'");
        refused++;
      } else {
        assertArrayEquals(expected, actual, () -> "decoded '" + text + "' differently");
        accepted++;
      }
    }
    assertTrue(accepted > 10_000 && refused > 10_000, "both outcomes are exercised: " + accepted + "/" + refused);
  }

  /** Canonical text of random bytes, often with one character changed, cut, or padding added or dropped. */
  private static String candidate(SplittableRandom random) {
    byte[] bytes = new byte[random.nextInt(12)];
    random.nextBytes(bytes);
    StringBuilder text = new StringBuilder(Base64.getEncoder().encodeToString(bytes));
    switch (random.nextInt(6)) {
      case 0 -> { }
      case 1, 2 -> {
        if (text.length() > 0) {
          text.setCharAt(random.nextInt(text.length()), NEAR_ALPHABET.charAt(random.nextInt(NEAR_ALPHABET.length())));
        }
      }
      case 3 -> text.setLength(random.nextInt(text.length() + 1));
      case 4 -> text.append('=');
      default -> {
        while (text.length() > 0 && text.charAt(text.length() - 1) == '=') text.setLength(text.length() - 1);
      }
    }
    return text.toString();
  }
}
