package io.tributary.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class StreamDescriptorTest {
  private static final long HOUR = 3_600_000L;

  private static StreamDescriptor stream() {
    return StreamDescriptor.builder(new StreamKey("000000000000", "us-east-1", "s"), "abcdefghijklmnopqrst")
        .retentionHours(24).build();
  }

  @Test
  void recordsReadAsEncryptedWhileEncryptionWasOn() {
    StreamDescriptor stream = stream().toBuilder()
        .encryption("KMS", "alias/aws/kinesis", 10 * HOUR)
        .encryption("KMS", "alias/other", 11 * HOUR)  // a new key: still encrypted, no change
        .encryption("NONE", null, 12 * HOUR)
        .build();
    assertEquals(List.of(10 * HOUR, 12 * HOUR), stream.encryptionChanges());
    assertEquals("NONE", stream.encryptionTypeAt(10 * HOUR - 1));
    assertEquals("KMS", stream.encryptionTypeAt(10 * HOUR));
    assertEquals("KMS", stream.encryptionTypeAt(12 * HOUR - 1));
    assertEquals("NONE", stream.encryptionTypeAt(12 * HOUR));
  }

  @Test
  void forgetsChangesOnlyRecordsPastRetentionCouldTellApart() {
    StreamDescriptor stream = stream().toBuilder()
        .encryption("KMS", "k", HOUR)
        .encryption("NONE", null, 2 * HOUR)
        .encryption("KMS", "k", 30 * HOUR)
        .build();
    // When encryption changes at hour 30, every record from before hour 6 is gone, so the first on-off pair
    // can no longer matter.
    assertEquals(List.of(30 * HOUR), stream.encryptionChanges());
    assertEquals("KMS", stream.encryptionTypeAt(31 * HOUR));
    assertEquals("NONE", stream.encryptionTypeAt(29 * HOUR));
  }
}
