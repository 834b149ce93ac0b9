package io.tributary.stream;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/** An inclusive range of the 128-bit hash key space that a shard owns. */
public record HashKeyRange(BigInteger start, BigInteger end) {
  public static final BigInteger MAX_HASH_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  public boolean contains(BigInteger hashKey) {
    return start.compareTo(hashKey) <= 0 && end.compareTo(hashKey) >= 0;
  }

  /** The key space split into {@code count} ranges as AWS does: equal steps, the last one up to 2^128-1. */
  public static List<HashKeyRange> split(int count) {
    BigInteger step = BigInteger.ONE.shiftLeft(128).divide(BigInteger.valueOf(count));
    List<HashKeyRange> ranges = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      BigInteger start = step.multiply(BigInteger.valueOf(i));
      BigInteger end = i == count - 1 ? MAX_HASH_KEY : start.add(step).subtract(BigInteger.ONE);
      ranges.add(new HashKeyRange(start, end));
    }
    return ranges;
  }

  /** The hash key of a partition key: MD5 of its UTF-8 bytes as an unsigned big-endian integer. */
  public static BigInteger hashOf(String partitionKey) {
    return new BigInteger(1, MD5.get().digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
  }

  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });
}
