package io.tributary.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** With limits.enforce=false (the default, as on the suite's server) nothing is throttled. */
class QuotasOffTest extends ApiTest {

  @Test
  void nothingIsThrottled() {
    assertEquals("false", server().server().settings().string("limits.enforce"));
    String stream = createStream("quotas-off", 1);
    KinesisClient client = client(ClientKind.SYNC_CBOR_HTTP1);
    // 4,000 records at once to one shard: four times a second's quota.
    for (int i = 0; i < 8; i++) {
      assertEquals(0, client.putRecords(b -> b.streamName(stream).records(ThroughputQuotaTest.records(500)))
          .failedRecordCount());
    }
    String iterator = iterator(client, stream, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    for (int i = 0; i < 12; i++) client.getRecords(b -> b.shardIterator(iterator));
    for (int i = 0; i < 25; i++) client.describeStream(b -> b.streamName(stream));
  }
}
