package io.tributary.api.operation;

import io.tributary.api.KinesisException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The NextToken of a paged listing: where the last page ended, in which stream (or account and region),
 * and when the token was made. Tokens expire after 300 seconds, as AWS's do.
 *
 * <p>Text: base64url of {@code <created epoch ms>\n<scope>\n<last key>}.
 */
record PageToken(long createdMillis, String scope, String lastKey) {
  static final long LIFETIME_MILLIS = 300_000;

  String encode() {
    String plain = createdMillis + "\n" + scope + "\n" + lastKey;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** The token the text encodes; InvalidArgumentException when it is none, ExpiredNextTokenException when old. */
  static PageToken decode(String text, long nowMillis) {
    PageToken token;
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\n", 3);
      token = new PageToken(Long.parseLong(parts[0]), parts[1], parts[2]);
    } catch (RuntimeException e) {
      throw KinesisException.invalidArgument("Invalid NextToken.");
    }
    if (nowMillis - token.createdMillis > LIFETIME_MILLIS) {
      throw KinesisException.client("ExpiredNextTokenException", "The requested token has expired. Please call "
          + "the API without a NextToken to get a fresh token.");
    }
    return token;
  }
}
