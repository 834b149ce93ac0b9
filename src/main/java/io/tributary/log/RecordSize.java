package io.tributary.log;

/**
 * The size of a record as Kinesis counts it against its limits and quotas: data bytes plus the partition
 * key's UTF-8 bytes (a key of 256 characters may take up to 1,024 bytes).
 */
public final class RecordSize {
  private RecordSize() { }

  public static long of(String partitionKey, int dataLength) {
    return (long) dataLength + utf8Length(partitionKey);
  }

  /** Bytes of the text in UTF-8, as {@code getBytes(UTF_8)} would make them, without making them. */
  public static int utf8Length(String text) {
    int length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        length += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        length += 1; // a lone surrogate encodes as '?'
      } else {
        length += 3;
      }
    }
    return length;
  }
}
