package io.tributary.api.operation;

import java.math.BigInteger;

/**
 * What AWS takes as PutRecord's SequenceNumberForOrdering: a number that decodes as a sequence number of
 * any of its three layouts, of any shard, whose time is not in the future. Only the form is checked; a
 * shard orders its records by itself. Read as hexadecimal (positions count nybbles from the most
 * significant):
 *
 * <pre>
 *   below 2^129, version 0 (a number below 2^124 counts as 2^124 more):
 *       '1' | shard creation, epoch s (9, below 16025175000) | ...
 *   2^185 to 1.5 * 2^185, the version in the last nybble:
 *     2: '2' | creation (9) | index (1) | offset (16, first nybble at most 7) | (2) | arrival, epoch s (9)
 *        | shard index (8, first nybble at most 7) | '2'
 *     1: '2' | creation (9) | index (1) | (2) | arrival, epoch s (9) | ... | '1'
 * </pre>
 *
 * Version 3 makes AWS fail with an internal error, which is answered in kind.
 */
final class OrderingSequenceNumber {
  /** The verdict on one number. */
  enum Verdict { VALID, INVALID, UNKNOWN_VERSION }

  private static final BigInteger TWO_POW_124 = BigInteger.ONE.shiftLeft(124);
  private static final BigInteger TWO_POW_129 = BigInteger.ONE.shiftLeft(129);
  private static final BigInteger TWO_POW_185 = BigInteger.ONE.shiftLeft(185);
  private static final BigInteger ONE_AND_A_HALF_TWO_POW_185 = BigInteger.valueOf(3).shiftLeft(184);
  private static final long LATEST_VERSION_0_CREATION = 16_025_175_000L;

  private OrderingSequenceNumber() { }

  /** The verdict on a decimal number (the member's pattern has already been checked). */
  static Verdict check(String decimal, long nowMillis) {
    BigInteger value = new BigInteger(decimal);
    if (value.compareTo(TWO_POW_124) < 0) value = value.add(TWO_POW_124);
    String hex = value.toString(16);
    if (value.compareTo(TWO_POW_129) < 0) {
      return Long.parseLong(hex.substring(1, 10), 16) < LATEST_VERSION_0_CREATION ? Verdict.VALID : Verdict.INVALID;
    }
    if (value.compareTo(TWO_POW_185) <= 0 || value.compareTo(ONE_AND_A_HALF_TWO_POW_185) >= 0) return Verdict.INVALID;
    long arrivalSeconds;
    switch (hex.charAt(hex.length() - 1)) {
      case '2' -> {
        if (Character.digit(hex.charAt(11), 16) > 7 || Character.digit(hex.charAt(38), 16) > 7) return Verdict.INVALID;
        arrivalSeconds = Long.parseLong(hex.substring(29, 38), 16);
      }
      case '1' -> arrivalSeconds = Long.parseLong(hex.substring(13, 22), 16);
      case '3' -> {
        return Verdict.UNKNOWN_VERSION;
      }
      default -> {
        return Verdict.INVALID;
      }
    }
    return arrivalSeconds * 1000 > nowMillis ? Verdict.INVALID : Verdict.VALID;
  }
}
