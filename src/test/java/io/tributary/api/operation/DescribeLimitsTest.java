package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeLimitsResponse;
import software.amazon.awssdk.services.kinesis.model.StreamMode;

class DescribeLimitsTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void countsOpenShardsAndOnDemandStreamsAgainstTheLimits(ClientKind kind) {
    KinesisClient client = client(kind);
    DescribeLimitsResponse before = client.describeLimits();
    assertEquals(500, before.shardLimit());
    assertEquals(50, before.onDemandStreamCountLimit());

    createStream("limits", 3);
    setup().createStream(b -> b.streamName(newStreamName("limits-on-demand"))
        .streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
    DescribeLimitsResponse after = client.describeLimits();
    assertEquals(before.openShardCount() + 3 + 4, after.openShardCount());
    assertEquals(before.onDemandStreamCount() + 1, after.onDemandStreamCount());
    assertEquals(500, after.shardLimit());
    assertEquals(50, after.onDemandStreamCountLimit());
  }

  @Test
  void reportsTheConfiguredLimitsPerAccountAndRegion() {
    try (TestServer server = TestServer.start(Map.of("limits.shards", "20", "limits.on.demand.streams", "3",
        "stream.on.demand.shards", "2"))) {
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_JSON_H2C, server.endpoint());
      client.createStream(b -> b.streamName("provisioned").shardCount(5));
      client.createStream(b -> b.streamName("on-demand").streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
      DescribeLimitsResponse limits = client.describeLimits();
      assertEquals(20, limits.shardLimit());
      assertEquals(7, limits.openShardCount());
      assertEquals(1, limits.onDemandStreamCount());
      assertEquals(3, limits.onDemandStreamCountLimit());

      client.deleteStream(b -> b.streamName("on-demand"));
      DescribeLimitsResponse afterDelete = client.describeLimits();
      assertEquals(5, afterDelete.openShardCount());
      assertEquals(0, afterDelete.onDemandStreamCount());
    }
  }
}
