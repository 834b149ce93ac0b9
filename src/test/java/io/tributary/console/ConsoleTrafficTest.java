package io.tributary.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * The figures of the stream page: incoming records and bytes per shard while a producer puts, and the iterator
 * age of an enhanced fan-out consumer's live subscription.
 */
class ConsoleTrafficTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void theStreamPageShowsEachShardsIncomingRateAndEachLiveSubscriptionsIteratorAge() throws Exception {
    TestServer server = TestServer.shared();
    String stream = "console-traffic-" + UUID.randomUUID().toString().substring(0, 8);
    KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
    kinesis.createStream(b -> b.streamName(stream).shardCount(2));
    String streamArn = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
    String consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("reader")).consumer().consumerARN();
    String path = "/console/api/streams/000000000000/us-east-1/" + stream;
    detail(server, path);  // the console starts sampling the stream's shards

    try (KinesisAsyncClient async = KinesisAsyncClient.builder()
        .endpointOverride(server.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2))
        .build()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!"ACTIVE".equals(kinesis.describeStreamConsumer(b -> b.consumerARN(consumerArn)).consumerDescription()
          .consumerStatusAsString())) {
        assertTrue(System.nanoTime() < deadline, "the consumer turns ACTIVE");
        Thread.sleep(50);
      }
      async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId("shardId-000000000000")
          .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)),
          SubscribeToShardResponseHandler.builder().subscriber(event -> { }).build());

      JsonObject shard0 = null;
      JsonObject seen = null;
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        // 10 records of 100 bytes every 100 ms into shard 0 (hash key 1): about 100 records/s.
        for (int i = 0; i < 3; i++) {
          kinesis.putRecords(b -> b.streamName(stream).records(java.util.stream.IntStream.range(0, 10).mapToObj(n ->
              software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry.builder().partitionKey("k" + n)
                  .explicitHashKey("1").data(SdkBytes.fromUtf8String("x".repeat(100))).build()).toList()));
          Thread.sleep(100);
        }
        seen = detail(server, path);
        shard0 = seen.getJsonArray("shardList").getJsonObject(0);
        if (shard0.getDouble("incomingRecordsPerSecond") > 0 && !seen.getJsonArray("iteratorAges").isEmpty()) break;
      }
      double records = shard0.getDouble("incomingRecordsPerSecond");
      double bytes = shard0.getDouble("incomingBytesPerSecond");
      assertTrue(records > 5 && records < 1000, "shard 0 takes about 100 records/s: " + shard0);
      assertEquals(102, bytes / records, 1.0, "each record counts its data and partition key, as AWS counts them: " + shard0);
      assertEquals(0.0, seen.getJsonArray("shardList").getJsonObject(1).getDouble("incomingRecordsPerSecond"),
          "nothing goes into shard 1");

      JsonArray ages = seen.getJsonArray("iteratorAges");
      assertEquals(1, ages.size(), ages.encode());
      assertEquals("reader", ages.getJsonObject(0).getString("reader"));
      assertEquals("enhanced fan-out", ages.getJsonObject(0).getString("kind"));
      assertEquals("shardId-000000000000", ages.getJsonObject(0).getString("shardId"));
      assertTrue(ages.getJsonObject(0).getLong("iteratorAgeMillis") >= 0);
      JsonArray subscriptions = seen.getJsonArray("consumerList").getJsonObject(0).getJsonArray("subscriptions");
      assertEquals("shardId-000000000000", subscriptions.getJsonObject(0).getString("shardId"));
    }
  }

  private static JsonObject detail(TestServer server, String path) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.managementPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }
}
