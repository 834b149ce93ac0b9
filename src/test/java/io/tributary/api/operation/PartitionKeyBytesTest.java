package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** Partition keys count in UTF-8 bytes, not characters, towards a PutRecords request's 10 MiB. */
class PartitionKeyBytesTest extends ApiTest {
  private static final int MIB = 1024 * 1024;

  /** Ten records of {@code MIB - 500} data bytes: 10 MiB less 5,000 bytes, before the keys. */
  private static List<PutRecordsRequestEntry> tenRecordsKeyed(String key) {
    List<PutRecordsRequestEntry> records = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      records.add(PutRecordsRequestEntry.builder().partitionKey(key).data(SdkBytes.fromByteArray(new byte[MIB - 500]))
          .build());
    }
    return records;
  }

  @Test
  void multiByteKeysCountInBytesTowardsTheRequestLimit() {
    KinesisClient client = client(ClientKind.SYNC_CBOR_HTTP1);
    String name = createStream("key-bytes", 1);
    // 256 characters of 3 bytes: 7,680 bytes of keys take the request over; 2,560 characters would not.
    assertKinesisError(InvalidArgumentException.class, "Records size exceeds 10 MB limit",
        () -> client.putRecords(b -> b.streamName(name).records(tenRecordsKeyed("€".repeat(256)))));
    assertEquals(0, client.putRecords(b -> b.streamName(name).records(tenRecordsKeyed("k".repeat(256))))
        .failedRecordCount(), "2,560 bytes of ASCII keys fit");
  }
}
