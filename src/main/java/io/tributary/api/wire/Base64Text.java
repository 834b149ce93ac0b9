package io.tributary.api.wire;

import io.tributary.api.KinesisException;
import java.util.Base64;

/**
 * Decodes a blob sent as base64 text (JSON), refusing what AWS's front end refuses with its words: a length
 * that is not a multiple of 4, the first character not valid where it stands (outside the alphabet, a pad in
 * the first two places of a quad, anything after a pad), too much padding, and a last character before the
 * padding whose unused low bits are not zero. One pass over the text, then the JDK's decoder; the value
 * quoted in a refusal is cut to a bounded length.
 */
final class Base64Text {
  private Base64Text() { }

  static byte[] decode(String text) {
    int length = text.length();
    if (length % 4 != 0) {
      throw refused(text, "Base64 encoded length is expected a multiple of 4 bytes but found: " + length);
    }
    int pads = 0;
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c == '=') {
        // A quad's first two characters carry bits of its first byte: a pad cannot stand there.
        if (i % 4 < 2) throw refused(text, "Invalid Base64 character: '='");
        pads++;
      } else if (pads > 0 || sextet(c) < 0) {
        throw refused(text, "Invalid Base64 character: '" + c + "'");
      }
    }
    if (pads > 2) throw refused(text, "Invalid Base64 character: '='");
    if (pads > 0 && (sextet(text.charAt(length - pads - 1)) & (pads == 1 ? 0x3 : 0xF)) != 0) {
      throw refused(text, "Invalid last non-pad Base64 character dectected");
    }
    return Base64.getDecoder().decode(text);
  }

  /** The 6-bit value of a base64 character, or -1. */
  private static int sextet(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  }

  private static KinesisException refused(String text, String reason) {
    return KinesisException.serialization("'" + QuotedValue.of(text) + "' can not be converted to a Blob: " + reason);
  }
}
