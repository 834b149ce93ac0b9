package io.tributary.api.operation;

import java.math.BigInteger;

/**
 * A sequence number a caller hands in, read as AWS's front end reads it: any of its three layouts, of any
 * shard or stream. Read as hexadecimal (positions count nybbles from the most significant):
 *
 * <pre>
 *   below 2^129, version 0 (a number below 2^124 counts as 2^124 more):
 *       '1' | shard creation, epoch s (9, below 16025175000) | (2) | (16) | shard index (4)
 *   2^185 to 1.5 * 2^185, the version in the last nybble:
 *     2: '2' | creation (9) | index (1) | offset (16, first nybble at most 7) | (2) | arrival, epoch s (9)
 *        | shard index (8, first nybble at most 7) | '2'
 *     1: '2' | creation (9) | index (1) | (2) | arrival, epoch s (9) | (16) | shard index (8) | '1'
 * </pre>
 *
 * This server writes version 2 ({@link io.tributary.shard.SequenceNumber}). AWS's PutRecord fails on a
 * version 3 number with an internal error, which its SDKs retry in vain; here it is invalid like any other
 * number no layout reads, since bad input never gets a 500.
 *
 * @param version 0, 1 or 2
 * @param shardIndex the index of the shard it names
 * @param createdSeconds the creation of the shard it names
 * @param arrivalSeconds when its record arrived, or -1 where the layout has no such field (version 0)
 * @param text the number as AWS prints it back: version 0 written anew in its layout, others as given
 */
record AwsSequenceNumber(int version, long shardIndex, long createdSeconds, long arrivalSeconds, String text) {
  private static final BigInteger TWO_POW_124 = BigInteger.ONE.shiftLeft(124);
  private static final BigInteger TWO_POW_129 = BigInteger.ONE.shiftLeft(129);
  private static final BigInteger TWO_POW_185 = BigInteger.ONE.shiftLeft(185);
  private static final BigInteger ONE_AND_A_HALF_TWO_POW_185 = BigInteger.valueOf(3).shiftLeft(184);
  private static final long LATEST_VERSION_0_CREATION = 16_025_175_000L;

  /** The number's fields, or null when it is none of the layouts (the member's pattern holds already). */
  static AwsSequenceNumber decode(String decimal) {
    BigInteger value = new BigInteger(decimal);
    if (value.compareTo(TWO_POW_124) < 0) value = value.add(TWO_POW_124);
    String hex = value.toString(16);
    if (value.compareTo(TWO_POW_129) < 0) {
      long created = Long.parseLong(hex.substring(1, 10), 16);
      if (created >= LATEST_VERSION_0_CREATION) return null;
      String canonical = new BigInteger("1" + hex.substring(1, 32), 16).toString();
      return new AwsSequenceNumber(0, Long.parseLong(hex.substring(28, 32), 16), created, -1, canonical);
    }
    if (value.compareTo(TWO_POW_185) <= 0 || value.compareTo(ONE_AND_A_HALF_TWO_POW_185) >= 0) return null;
    long created = Long.parseLong(hex.substring(1, 10), 16);
    long shardIndex = Long.parseLong(hex.substring(38, 46), 16);
    return switch (hex.charAt(hex.length() - 1)) {
      case '2' -> Character.digit(hex.charAt(11), 16) > 7 || Character.digit(hex.charAt(38), 16) > 7 ? null
          : new AwsSequenceNumber(2, shardIndex, created, Long.parseLong(hex.substring(29, 38), 16), decimal);
      case '1' -> new AwsSequenceNumber(1, shardIndex, created, Long.parseLong(hex.substring(13, 22), 16), decimal);
      default -> null;
    };
  }

  /**
   * Whether PutRecord takes it as SequenceNumberForOrdering: readable and not from the future. Only the form
   * is checked; a shard orders its records by itself.
   */
  boolean orders(long nowMillis) {
    return arrivalSeconds * 1000 <= nowMillis;
  }
}
