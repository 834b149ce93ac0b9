package io.tributary.api.wire;

/**
 * A request value as an error message quotes it: whole up to {@link #MAX_CHARS} characters, otherwise its
 * first {@link #MAX_CHARS} followed by {@code ...}, so a message stays bounded whatever was sent. The bound
 * is above every value AWS is known to echo whole (a 501-entry Records list prints as about 33,000
 * characters), so only values no valid request comes near are cut.
 */
final class QuotedValue {
  static final int MAX_CHARS = 65_536;

  private QuotedValue() { }

  static String of(String value) {
    if (value.length() <= MAX_CHARS) return value;
    int end = Character.isHighSurrogate(value.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
    return value.substring(0, end) + "...";
  }
}
