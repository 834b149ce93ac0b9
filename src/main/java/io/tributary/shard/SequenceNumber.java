package io.tributary.shard;

import java.math.BigInteger;

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
  private static final BigInteger VERSION = BigInteger.TWO;
  private static final BigInteger MASK_36 = BigInteger.ONE.shiftLeft(36).subtract(BigInteger.ONE);
  private static final BigInteger MASK_64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final BigInteger MASK_32 = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);

  /** The fields of a sequence number. */
  public record Fields(long shardCreatedSeconds, int shardIndex, long offset, long arrivalSeconds) { }

  private SequenceNumber() { }

  public static String format(long shardCreatedSeconds, int shardIndex, long offset, long arrivalSeconds) {
    BigInteger value = VERSION.shiftLeft(184)
        .or(BigInteger.valueOf(shardCreatedSeconds).and(MASK_36).shiftLeft(148))
        .or(BigInteger.valueOf(shardIndex & 0xF).shiftLeft(144))
        .or(BigInteger.valueOf(offset).shiftLeft(80))
        .or(BigInteger.valueOf(arrivalSeconds).and(MASK_36).shiftLeft(36))
        .or(BigInteger.valueOf(shardIndex & 0xFFFFFFFFL).shiftLeft(4))
        .or(VERSION);
    return value.toString();
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
