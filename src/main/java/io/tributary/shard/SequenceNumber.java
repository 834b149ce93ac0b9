package io.tributary.shard;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Sequence numbers in the layout AWS uses: a 188-bit integer written in decimal (56 digits), whose
 * hexadecimal form is, from the most significant nybble:
 *
 * <pre>
 *   '2' | shard creation, epoch s (9) | shard index, low nybble (1) | offset in shard (16)
 *       | '00' | arrival, epoch s (9) | shard index (8) | '2'
 * </pre>
 *
 * Within a shard the creation time and index are fixed and the offset sits above the arrival time, so
 * sequence numbers strictly increase with the offset, and the offset can be read back from any sequence
 * number without a lookup. The shard's StartingSequenceNumber is offset 0 at its creation time.
 */
public final class SequenceNumber {
  private static final long VERSION_NYBBLE = 2;
  private static final long MASK_36_BITS = (1L << 36) - 1;
  private static final BigInteger MASK_36 = BigInteger.ONE.shiftLeft(36).subtract(BigInteger.ONE);
  private static final BigInteger MASK_64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final BigInteger MASK_32 = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);

  /** The fields of a sequence number. */
  public record Fields(long shardCreatedSeconds, int shardIndex, long offset, long arrivalSeconds) { }

  private SequenceNumber() { }

  public static String format(long shardCreatedSeconds, int shardIndex, long offset, long arrivalSeconds) {
    long index = shardIndex & 0xFFFFFFFFL;
    long arrival = arrivalSeconds & MASK_36_BITS;
    // The 188 bits as three 64-bit words: bits 0-63, 64-127 and 128-191.
    long low = VERSION_NYBBLE | (index << 4) | (arrival << 36);
    long middle = (arrival >>> 28) | (offset << 16);
    long high = (offset >>> 48) | ((index & 0xF) << 16) | ((shardCreatedSeconds & MASK_36_BITS) << 20)
        | (VERSION_NYBBLE << 56);
    return toDecimal(high, middle, low);
  }

  /**
   * The unsigned 192-bit integer {@code high:middle:low} in decimal. Sequence numbers are formatted for
   * every record written and read, so this avoids BigInteger: it divides the 32-bit limbs by 10^9, nine
   * digits at a time, skipping limbs that have become zero, and writes each group of nine digits two at a
   * time from a table.
   */
  static String toDecimal(long high, long middle, long low) {
    long[] limbs = {high >>> 32, high & 0xFFFFFFFFL, middle >>> 32, middle & 0xFFFFFFFFL, low >>> 32, low & 0xFFFFFFFFL};
    int first = 0;
    while (first < limbs.length - 1 && limbs[first] == 0) first++;
    byte[] digits = new byte[60];
    int position = digits.length;
    while (true) {
      long remainder = 0;
      for (int i = first; i < limbs.length; i++) {
        long dividend = (remainder << 32) | limbs[i];
        limbs[i] = dividend / 1_000_000_000L;
        remainder = dividend - limbs[i] * 1_000_000_000L;
      }
      while (first < limbs.length && limbs[first] == 0) first++;
      if (first == limbs.length) {
        // The most significant group: no leading zeros.
        do {
          digits[--position] = (byte) ('0' + remainder % 10);
          remainder /= 10;
        } while (remainder != 0);
        break;
      }
      position = nineDigits(digits, position, (int) remainder);
    }
    return new String(digits, position, digits.length - position, StandardCharsets.ISO_8859_1);
  }

  /** Two-digit groups "00" to "99", for writing nine digits with five table reads. */
  private static final byte[] PAIRS = new byte[200];

  static {
    for (int i = 0; i < 100; i++) {
      PAIRS[2 * i] = (byte) ('0' + i / 10);
      PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
  }

  /** Writes a value below 10^9 as exactly nine digits ending before {@code end}; returns where they start. */
  private static int nineDigits(byte[] digits, int end, int value) {
    for (int k = 0; k < 4; k++) {
      int pair = value % 100;
      value /= 100;
      digits[--end] = PAIRS[2 * pair + 1];
      digits[--end] = PAIRS[2 * pair];
    }
    digits[--end] = (byte) ('0' + value);
    return end;
  }

  /** The fields of a sequence number in this layout, or null when it is not one. */
  public static Fields parse(String sequenceNumber) {
    if (sequenceNumber == null || sequenceNumber.isEmpty() || sequenceNumber.length() > 129) return null;
    BigInteger value;
    try {
      value = new BigInteger(sequenceNumber);
    } catch (NumberFormatException e) {
      return null;
    }
    if (value.signum() <= 0 || value.bitLength() > 188 || value.shiftRight(184).intValue() != 2
        || value.and(BigInteger.valueOf(0xF)).intValue() != 2) {
      return null;
    }
    long created = value.shiftRight(148).and(MASK_36).longValue();
    int shardIndex = value.shiftRight(4).and(MASK_32).intValue();
    long offset = value.shiftRight(80).and(MASK_64).longValue();
    long arrival = value.shiftRight(36).and(MASK_36).longValue();
    if (offset < 0 || (shardIndex & 0xF) != (value.shiftRight(144).intValue() & 0xF)) return null;
    return new Fields(created, shardIndex, offset, arrival);
  }
}
