package io.tributary.api.wire;

/**
 * Decodes canonical base64 text (RFC 4648 alphabet, padded, length a multiple of 4, zero bits after the last
 * byte) in one pass, straight from the characters a parser holds. It accepts exactly what
 * {@link Base64Text} accepts; anything else answers null, and the caller then takes the path through
 * {@link Base64Text}, which words the refusal as AWS does.
 */
public final class CanonicalBase64 {
  private static final byte[] EMPTY = new byte[0];
  /** The 6-bit value of each ASCII character, or -1 (the pad '=' included). */
  private static final int[] SEXTETS = new int[128];

  static {
    java.util.Arrays.fill(SEXTETS, -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) SEXTETS[alphabet.charAt(i)] = i;
  }

  private CanonicalBase64() { }

  /** The bytes of {@code text[offset, offset + length)}, or null when the text is not canonical base64. */
  public static byte[] decode(char[] text, int offset, int length) {
    if ((length & 3) != 0) return null;
    if (length == 0) return EMPTY;
    int last = offset + length - 1;
    int pads = text[last] != '=' ? 0 : text[last - 1] != '=' ? 1 : 2;
    byte[] bytes = new byte[length / 4 * 3 - pads];
    int fullQuadsEnd = pads == 0 ? offset + length : offset + length - 4;
    int out = 0;
    for (int i = offset; i < fullQuadsEnd; i += 4) {
      // A character outside the alphabet has sextet -1, which makes the whole quad negative.
      int quad = sextet(text[i]) << 18 | sextet(text[i + 1]) << 12 | sextet(text[i + 2]) << 6 | sextet(text[i + 3]);
      if (quad < 0) return null;
      bytes[out++] = (byte) (quad >> 16);
      bytes[out++] = (byte) (quad >> 8);
      bytes[out++] = (byte) quad;
    }
    if (pads == 0) return bytes;
    int a = sextet(text[fullQuadsEnd]);
    int b = sextet(text[fullQuadsEnd + 1]);
    if (pads == 2) {
      // "xy==": one byte; the low 4 bits of y are unused and must be zero.
      if ((a | b) < 0 || (b & 0xF) != 0) return null;
      bytes[out] = (byte) (a << 2 | b >> 4);
    } else {
      // "xyz=": two bytes; the low 2 bits of z are unused and must be zero.
      int c = sextet(text[fullQuadsEnd + 2]);
      if ((a | b | c) < 0 || (c & 0x3) != 0) return null;
      int bits = a << 18 | b << 12 | c << 6;
      bytes[out++] = (byte) (bits >> 16);
      bytes[out] = (byte) (bits >> 8);
    }
    return bytes;
  }

  private static int sextet(char c) {
    return c < 128 ? SEXTETS[c] : -1;
  }
}
