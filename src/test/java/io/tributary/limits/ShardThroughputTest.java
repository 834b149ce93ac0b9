package io.tributary.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.shard.ShardRequest.IncomingRecord;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardThroughputTest {
  private static final int MIB = 1024 * 1024;
  /** 100 characters, 300 bytes in UTF-8. */
  private static final String KEY = "€".repeat(100);

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void theWriteQuotaCountsPartitionKeysInUtf8Bytes() {
    List<IncomingRecord> overByOneHundredBytes = List.of(new IncomingRecord(KEY, new byte[MIB - 600]),
        new IncomingRecord(KEY, new byte[100]));
    assertEquals(1, new ShardThroughput(clock, ShardQuota.PROVISIONED)
        .admitWrites(ShardQuota.PROVISIONED, overByOneHundredBytes));

    List<IncomingRecord> exactlyOneMebibyte = List.of(new IncomingRecord(KEY, new byte[MIB - 700]),
        new IncomingRecord(KEY, new byte[100]));
    assertEquals(2, new ShardThroughput(clock, ShardQuota.PROVISIONED)
        .admitWrites(ShardQuota.PROVISIONED, exactlyOneMebibyte));
  }
}
