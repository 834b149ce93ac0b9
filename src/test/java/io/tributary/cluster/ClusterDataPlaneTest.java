package io.tributary.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.support.ChildCluster;
import io.tributary.support.ChildServer;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescription;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Three server JVMs on 127.0.0.1 forming one cluster: any node serves every stream, the shards of a stream
 * spread over the nodes, and every acknowledged record reads back exactly once, in order, through any node.
 */
public class ClusterDataPlaneTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STREAM = "spread";
  private static final int SHARDS = 12;
  @TempDir
  static Path directory;
  private static final List<ChildServer> nodes = new ArrayList<>();
  private static final List<KinesisClient> clients = new ArrayList<>();

  @BeforeAll
  static void startNodes() {
    nodes.addAll(ChildCluster.start(directory, ChildCluster.clusterPorts(3)));
    for (ChildServer node : nodes) clients.add(KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, node.endpoint()));
    clients.get(0).createStream(b -> b.streamName(STREAM).shardCount(SHARDS));
    awaitActive(clients.get(0), STREAM);
  }

  @AfterAll
  static void stopNodes() {
    nodes.forEach(ChildServer::close);
  }

  public static void awaitActiveThrough(KinesisClient client, String stream) {
    awaitActive(client, stream);
  }

  private static void awaitActive(KinesisClient client, String stream) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (client.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
        != StreamStatus.ACTIVE) {
      assertTrue(System.nanoTime() < deadline, stream + " turns ACTIVE");
      sleep(50);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode cluster(ChildServer node) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort() + "/cluster")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  @Test
  void aStreamCreatedThroughOneNodeIsTheSameThroughEvery() {
    StreamDescription first = clients.get(0).describeStream(b -> b.streamName(STREAM)).streamDescription();
    assertEquals(SHARDS, first.shards().size());
    for (KinesisClient client : clients) {
      StreamDescription seen = client.describeStream(b -> b.streamName(STREAM)).streamDescription();
      assertEquals(first.streamARN(), seen.streamARN());
      assertEquals(StreamStatus.ACTIVE, seen.streamStatus());
      assertEquals(first.shards(), seen.shards());
      assertEquals(first.streamCreationTimestamp(), seen.streamCreationTimestamp());
    }
  }

  @Test
  void theShardsOfAStreamSpreadOverEveryNode() throws Exception {
    Set<String> owned = new HashSet<>();
    JsonNode members = cluster(nodes.get(0)).get("members");
    assertEquals(3, members.size(), members.toString());
    for (JsonNode member : members) {
      int count = 0;
      for (JsonNode shard : member.get("shards")) {
        if (shard.get("stream").asText().equals(STREAM)) {
          assertTrue(owned.add(shard.get("shardId").asText()), "a shard has one owner: " + members);
          count++;
        }
      }
      assertTrue(count > 0, "every node owns some of the 12 shards: " + members);
    }
    assertEquals(SHARDS, owned.size());
  }

  /** A record as its producer was told it was kept. */
  private record Acknowledged(String shardId, String sequenceNumber, String data) { }

  @Test
  void everyAcknowledgedRecordReadsBackOnceInOrderThroughEveryNode() throws Exception {
    // A stream of its own: the other tests put records into the shared one.
    String stream = "read-back";
    clients.get(1).createStream(b -> b.streamName(stream).shardCount(SHARDS));
    for (KinesisClient client : clients) awaitActive(client, stream);  // each node applies the change in its turn
    List<Acknowledged> acknowledged = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Void>> producers = new ArrayList<>();
    java.util.concurrent.ExecutorService producing = java.util.concurrent.Executors.newFixedThreadPool(clients.size());
    for (int n = 0; n < clients.size(); n++) {
      KinesisClient client = clients.get(n);
      int producer = n;
      producers.add(CompletableFuture.runAsync(() -> {
        for (int batch = 0; batch < 10; batch++) {
          List<PutRecordsRequestEntry> entries = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            String data = "p" + producer + "-b" + batch + "-r" + i;
            entries.add(PutRecordsRequestEntry.builder().partitionKey(data).data(SdkBytes.fromUtf8String(data)).build());
          }
          PutRecordsResponse response = client.putRecords(b -> b.streamName(stream).records(entries));
          for (int i = 0; i < entries.size(); i++) {
            PutRecordsResultEntry result = response.records().get(i);
            if (result.errorCode() == null) {
              acknowledged.add(new Acknowledged(result.shardId(), result.sequenceNumber(),
                  entries.get(i).data().asUtf8String()));
            }
          }
        }
      }, producing));
    }
    producers.forEach(CompletableFuture::join);
    producing.shutdown();
    assertEquals(3000, acknowledged.size(), "no quota is near: every record is taken");

    Map<String, List<Acknowledged>> expected = new HashMap<>();
    for (Acknowledged record : acknowledged) expected.computeIfAbsent(record.shardId(), s -> new ArrayList<>()).add(record);
    expected.values().forEach(list -> list.sort((a, b) ->
        new java.math.BigInteger(a.sequenceNumber()).compareTo(new java.math.BigInteger(b.sequenceNumber()))));
    assertEquals(SHARDS, expected.size(), "the keys spread over every shard");

    for (KinesisClient client : clients) {
      for (Shard shard : client.listShards(b -> b.streamName(stream)).shards()) {
        List<Acknowledged> read = new ArrayList<>();
        String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        while (true) {
          String from = iterator;
          GetRecordsResponse page = client.getRecords(b -> b.shardIterator(from).limit(250));
          for (Record record : page.records()) {
            read.add(new Acknowledged(shard.shardId(), record.sequenceNumber(), record.data().asUtf8String()));
          }
          iterator = page.nextShardIterator();
          if (page.records().isEmpty() && page.millisBehindLatest() == 0) break;
        }
        List<Acknowledged> wanted = expected.getOrDefault(shard.shardId(), List.of());
        int first = 0;
        while (first < Math.min(wanted.size(), read.size()) && wanted.get(first).equals(read.get(first))) first++;
        assertEquals(wanted.size(), first, shard.shardId() + " through " + client + ": " + wanted.size()
            + " acknowledged, " + read.size() + " read, the first " + first + " as acknowledged; then "
            + (first < wanted.size() ? wanted.get(first) : "-") + " / " + (first < read.size() ? read.get(first) : "-"));
        assertEquals(wanted.size(), read.size(), shard.shardId() + ": nothing read twice or unacknowledged");
      }
    }
  }

  @Test
  void anIteratorFromOneNodeWorksOnAnother() {
    String iterator = clients.get(1).getShardIterator(b -> b.streamName(STREAM).shardId("shardId-000000000003")
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    GetRecordsResponse page = clients.get(2).getRecords(b -> b.shardIterator(iterator).limit(1));
    assertTrue(page.nextShardIterator() != null);
  }

  @Test
  void subscribeToShardThroughANodeThatDoesNotOwnTheShardReceivesPushes() throws Exception {
    JsonNode members = cluster(nodes.get(0)).get("members");
    JsonNode owner = members.get(0);
    String ownedElsewhere = null;
    for (JsonNode shard : owner.get("shards")) {
      if (shard.get("stream").asText().equals(STREAM)) ownedElsewhere = shard.get("shardId").asText();
    }
    assertTrue(ownedElsewhere != null, members.toString());
    int through = 0;
    while (nodes.get(through).endpoint().getPort() == owner.get("apiPort").asInt()) through++;
    KinesisClient client = clients.get(through);
    String consumerArn = registerActiveConsumer(clients, STREAM, "pushed-across");
    String shardId = ownedElsewhere;
    Map<String, Boolean> seen = new ConcurrentHashMap<>();
    CompletableFuture<Void> received = new CompletableFuture<>();
    CompletableFuture<Void> subscribed = new CompletableFuture<>();
    String marker = "across-" + System.nanoTime();
    try (KinesisAsyncClient async = KinesisAsyncClient.builder()
        .endpointOverride(nodes.get(through).endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2))
        .build()) {
      SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
          .subscriber(SubscribeToShardResponseHandler.Visitor.builder().onSubscribeToShardEvent(event -> {
            for (var record : event.records()) {
              seen.put(record.data().asUtf8String(), true);
              if (record.data().asUtf8String().equals(marker)) received.complete(null);
            }
          }).build())
          .onResponse(response -> subscribed.complete(null))
          .onError(received::completeExceptionally)
          .build();
      CompletableFuture<Void> done = async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(shardId)
          .startingPosition(p -> p.type(ShardIteratorType.LATEST)), handler);
      subscribed.get(20, TimeUnit.SECONDS);  // LATEST is where the shard ended when the call was answered
      String hashKey = clients.get(0).listShards(b -> b.streamName(STREAM)).shards().stream()
          .filter(s -> s.shardId().equals(shardId)).findFirst().orElseThrow().hashKeyRange().startingHashKey();
      clients.get(0).putRecord(b -> b.streamName(STREAM).partitionKey("k").explicitHashKey(hashKey)
          .data(SdkBytes.fromUtf8String(marker)));
      received.get(20, TimeUnit.SECONDS);
      done.cancel(true);
    }
  }

  /** Registers a consumer of the shared stream through the client and waits until every node has it ACTIVE. */
  /** Registers a consumer of the stream through the first client and waits until every client's node has it ACTIVE. */
  public static String registerActiveConsumer(List<KinesisClient> clients, String stream, String name) {
    KinesisClient client = clients.get(0);
    String streamArn = client.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
    String consumerArn = client.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name))
        .consumer().consumerARN();
    for (KinesisClient through : clients) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!consumerStatus(through, consumerArn).equals("ACTIVE")) {
        assertTrue(System.nanoTime() < deadline, name + " turns ACTIVE on every node");
        sleep(50);
      }
    }
    return consumerArn;
  }

  /** The consumer's status as a node has it; "unknown" before the node has applied its registration. */
  private static String consumerStatus(KinesisClient client, String consumerArn) {
    try {
      return client.describeStreamConsumer(b -> b.consumerARN(consumerArn)).consumerDescription().consumerStatusAsString();
    } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException notYet) {
      return "unknown";
    }
  }

  /** An HTTP/2 async client of the node that does not retry. */
  public static KinesisAsyncClient asyncThrough(ChildServer node) {
    return KinesisAsyncClient.builder()
        .endpointOverride(node.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2))
        .overrideConfiguration(o -> o.retryPolicy(software.amazon.awssdk.core.retry.RetryPolicy.none()))
        .build();
  }

  /** Subscribes from TRIM_HORIZON; the future completes with the error that ends the subscription. */
  public static CompletableFuture<Throwable> subscribe(KinesisAsyncClient client, String consumerArn, String shardId,
      CompletableFuture<Void> started) {
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
        .onResponse(response -> started.complete(null))
        .subscriber(event -> { })
        .onError(failure -> {
          started.completeExceptionally(failure);
          ended.complete(failure);
        })
        .build();
    client.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(shardId)
        .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)), handler);
    return ended;
  }

  @Test
  void theSubscriptionTakeoverRuleHoldsAcrossNodes() throws Exception {
    String consumerArn = registerActiveConsumer(clients, STREAM, "taken-over");
    try (KinesisAsyncClient first = asyncThrough(nodes.get(0)); KinesisAsyncClient second = asyncThrough(nodes.get(1));
         KinesisAsyncClient third = asyncThrough(nodes.get(2))) {
      CompletableFuture<Void> firstStarted = new CompletableFuture<>();
      CompletableFuture<Throwable> firstEnded = subscribe(first, consumerArn, "shardId-000000000001", firstStarted);
      firstStarted.get(20, TimeUnit.SECONDS);

      CompletableFuture<Void> secondStarted = new CompletableFuture<>();
      subscribe(second, consumerArn, "shardId-000000000001", secondStarted);
      java.util.concurrent.ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
          java.util.concurrent.ExecutionException.class, () -> secondStarted.get(20, TimeUnit.SECONDS));
      assertTrue(refused.getCause() instanceof ResourceInUseException, "another node refuses within 5 s: " + refused);

      sleep(5200);
      CompletableFuture<Void> thirdStarted = new CompletableFuture<>();
      subscribe(third, consumerArn, "shardId-000000000001", thirdStarted);
      thirdStarted.get(20, TimeUnit.SECONDS);
      Throwable firstEnd = firstEnded.get(20, TimeUnit.SECONDS);
      assertTrue(String.valueOf(firstEnd).contains("ResourceInUseException"),
          "the first subscription, on another node, was taken over: " + firstEnd);
    }
  }

  /** Runs the call through the first two nodes at once; each outcome is "ok" or the error code. */
  private static List<String> onTwoNodesAtOnce(java.util.function.Consumer<KinesisClient> call) {
    List<CompletableFuture<String>> outcomes = new ArrayList<>();
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    for (int n = 0; n < 2; n++) {
      KinesisClient client = clients.get(n);
      outcomes.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
          call.accept(client);
          return "ok";
        } catch (software.amazon.awssdk.services.kinesis.model.KinesisException e) {
          return e.awsErrorDetails().errorCode();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    go.countDown();
    return outcomes.stream().map(CompletableFuture::join).sorted().toList();
  }

  @Test
  void theSameSplitShardOnTwoNodesAtOnceSplitsOnce() {
    for (int round = 0; round < 3; round++) {
      String name = "split-race-" + round;
      clients.get(2).createStream(b -> b.streamName(name).shardCount(1));
      for (KinesisClient client : clients) awaitActive(client, name);
      List<String> results = onTwoNodesAtOnce(client -> client.splitShard(b -> b.streamName(name)
          .shardToSplit("shardId-000000000000").newStartingHashKey("170141183460469231731687303715884105728")));
      assertEquals("ok", results.get(1), results.toString());
      assertTrue(Set.of("ResourceInUseException", "InvalidArgumentException").contains(results.get(0)), results.toString());
      // Every node applies the group's entries as its voter learns of them: soon, not at once.
      for (KinesisClient client : clients) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.listShards(b -> b.streamName(name)).shards().size() != 3) {
          assertTrue(System.nanoTime() < deadline, "one split on every node: a parent, two children");
          sleep(20);
        }
        awaitActive(client, name);
        assertEquals(3, client.listShards(b -> b.streamName(name)).shards().size(), "and no second split");
      }
    }
  }

  @Test
  void theSameConsumerRegisteredOnTwoNodesAtOnceIsRegisteredOnce() {
    String arn = clients.get(0).describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamARN();
    for (int round = 0; round < 3; round++) {
      String consumer = "raced-consumer-" + round;
      List<String> results = onTwoNodesAtOnce(client -> client.registerStreamConsumer(b -> b.streamARN(arn)
          .consumerName(consumer)));
      assertEquals(List.of("ResourceInUseException", "ok"), results);
      for (KinesisClient client : clients) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.listStreamConsumers(b -> b.streamARN(arn)).consumers().stream()
            .filter(c -> c.consumerName().equals(consumer)).count() != 1) {
          assertTrue(System.nanoTime() < deadline, consumer + " is registered once on every node");
          sleep(20);
        }
      }
    }
  }

  @Test
  void theSameControlPlaneCallOnTwoNodesAtOnceSucceedsOnce() throws Exception {
    for (int round = 0; round < 3; round++) {
      String name = "raced-" + round;
      List<CompletableFuture<String>> outcomes = new ArrayList<>();
      for (int n = 0; n < 2; n++) {
        KinesisClient client = clients.get(n + round % 2);
        outcomes.add(CompletableFuture.supplyAsync(() -> {
          try {
            client.createStream(b -> b.streamName(name).shardCount(2));
            return "created";
          } catch (ResourceInUseException e) {
            return "in use: " + e.awsErrorDetails().errorMessage();
          }
        }));
      }
      List<String> results = outcomes.stream().map(CompletableFuture::join).sorted().toList();
      assertEquals("created", results.get(0), results.toString());
      assertEquals("in use: Stream " + name + " under account 000000000000 already exists.", results.get(1));
    }
  }
}
