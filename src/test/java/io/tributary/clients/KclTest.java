package io.tributary.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.tributary.support.ApiTest;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.common.KinesisClientUtil;
import software.amazon.kinesis.coordinator.CoordinatorConfig;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.leases.LeaseManagementConfig;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.SingleStreamTracker;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.RetrievalConfig;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/**
 * The Kinesis Client Library 3.x end to end against the server: a Scheduler (leases in an embedded DynamoDB
 * Local, no CloudWatch calls) consumes a two-shard stream over h2c while records are written before and during
 * consumption and one shard is split mid-way. Every record must be processed exactly once, the parent shard
 * must reach its end, and the lease table must hold the checkpoints. Once with polling (GetRecords), once with
 * enhanced fan-out (RegisterStreamConsumer + SubscribeToShard).
 */
class KclTest extends ApiTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final String PARENT = "shardId-000000000000";

  private AmazonDynamoDBLocal dynamoDb;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeClients() {
    for (AutoCloseable closeable : toClose) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    toClose.clear();
    if (dynamoDb != null) dynamoDb.shutdown();
    dynamoDb = null;
  }

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void pollingConsumesEveryRecordOnceAcrossASplit() throws Exception {
    consumeAcrossSplit("kcl-poll", true);
  }

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void enhancedFanOutConsumesEveryRecordOnceAcrossASplit() throws Exception {
    consumeAcrossSplit("kcl-efo", false);
  }

  private void consumeAcrossSplit(String prefix, boolean polling) throws Exception {
    String stream = createStream(prefix, 2);
    String application = "app-" + stream;
    Set<String> expected = ConcurrentHashMap.newKeySet();
    Collected collected = new Collected();
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    // Before the Scheduler starts: it must read these from TRIM_HORIZON.
    expected.addAll(putBatch(stream, "before", 40));

    dynamoDb = DynamoDBEmbedded.create(true);
    DynamoDbAsyncClient dynamo = dynamoDb.dynamoDbAsyncClient();
    createLeaseTable(dynamo, application);
    KinesisAsyncClient kinesis = KinesisClientUtil.createKinesisAsyncClient(KinesisAsyncClient.builder()
        .endpointOverride(server().endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials())
        .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
          @Override
          public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            calls.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                k -> new AtomicInteger()).incrementAndGet();
          }
        })));
    toClose.add(kinesis);
    // Never called (MetricsLevel.NONE); pointed at a closed port all the same.
    CloudWatchAsyncClient cloudWatch = CloudWatchAsyncClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:9"))
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials())
        .build();
    toClose.add(cloudWatch);

    ConfigsBuilder configs = new ConfigsBuilder(
        new SingleStreamTracker(stream,
            InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON)),
        application, kinesis, dynamo, cloudWatch, "worker-1", () -> new CollectingProcessor(collected));

    LeaseManagementConfig leases = configs.leaseManagementConfig()
        .failoverTimeMillis(6000)
        .leaseAssignmentIntervalMillis(500L)
        .shardSyncIntervalMillis(1000)
        .listShardsBackoffTimeInMillis(200)
        .leasesRecoveryAuditorExecutionFrequencyMillis(2000)
        .cleanupLeasesUponShardCompletion(false)
        .workerUtilizationAwareAssignmentConfig(configs.leaseManagementConfig().workerUtilizationAwareAssignmentConfig()
            .inMemoryWorkerMetricsCaptureFrequencyMillis(200)
            .workerMetricsReporterFreqInMillis(500));
    CoordinatorConfig coordinator = configs.coordinatorConfig()
        .clientVersionConfig(CoordinatorConfig.ClientVersionConfig.CLIENT_VERSION_CONFIG_3X)
        .parentShardPollIntervalMillis(200)
        .shardConsumerDispatchPollIntervalMillis(100)
        .schedulerInitializationBackoffTimeMillis(200);
    RetrievalConfig retrieval = configs.retrievalConfig();
    if (polling) {
      retrieval.retrievalSpecificConfig(new PollingConfig(stream, kinesis).idleTimeBetweenReadsInMillis(200));
    }

    Scheduler scheduler = new Scheduler(configs.checkpointConfig(), coordinator, leases, configs.lifecycleConfig(),
        configs.metricsConfig().metricsLevel(MetricsLevel.NONE), configs.processorConfig(), retrieval);
    Thread worker = new Thread(scheduler, "kcl-scheduler-" + prefix);
    worker.setDaemon(true);
    long started = System.nanoTime();
    worker.start();
    try {
      await("the first records written before the Scheduler started", () -> collected.distinct() >= 40, collected);
      System.out.printf("%s: first 40 records after %d ms%n", prefix, (System.nanoTime() - started) / 1_000_000);

      // While it consumes.
      expected.addAll(putBatch(stream, "during", 40));
      await("the records written during consumption", () -> collected.distinct() >= 80, collected);

      // Split the first shard in the middle of its hash key range, then write to parent's children and shard 1.
      Shard parent = setup().listShards(b -> b.streamName(stream)).shards().stream()
          .filter(s -> s.shardId().equals(PARENT)).findFirst().orElseThrow();
      BigInteger low = new BigInteger(parent.hashKeyRange().startingHashKey());
      BigInteger high = new BigInteger(parent.hashKeyRange().endingHashKey());
      String middle = low.add(high).shiftRight(1).toString();
      setup().splitShard(b -> b.streamName(stream).shardToSplit(PARENT).newStartingHashKey(middle));
      awaitActive(setup(), stream);
      expected.addAll(putBatch(stream, "after-split", 60));

      await("every record, and the end of the split shard " + PARENT,
          () -> collected.records.keySet().containsAll(expected) && collected.shardsEnded.contains(PARENT), collected);
      // Let anything processed twice show up before counting.
      Thread.sleep(1500);
      System.out.printf("%s: all %d records after %d ms%n", prefix, expected.size(),
          (System.nanoTime() - started) / 1_000_000);

      Map<String, Integer> duplicates = collected.records.entrySet().stream()
          .filter(e -> e.getValue().get() != 1)
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(), (a, b) -> a, TreeMap::new));
      assertEquals(Map.of(), duplicates, "records processed more than once");
      assertEquals(new TreeMap<>(expected.stream().collect(Collectors.toMap(d -> d, d -> 1))).keySet(),
          new TreeMap<>(collected.records).keySet(), "the records processed are exactly the records written");
      assertTrue(collected.errors.isEmpty(), "record processor errors: " + collected.errors);

      // The lease table holds the checkpoints: SHARD_END for the parent, a sequence number for shards that had records.
      Map<String, String> checkpoints = checkpoints(dynamo, application);
      assertEquals("SHARD_END", checkpoints.get(PARENT), "parent's checkpoint; lease table: " + checkpoints);
      for (String shardId : collected.shardsWithRecords) {
        if (shardId.equals(PARENT)) continue;
        String checkpoint = checkpoints.get(shardId);
        assertTrue(checkpoint != null && checkpoint.matches("\\d+"),
            "shard " + shardId + " has a sequence-number checkpoint; lease table: " + checkpoints);
      }
      // The records came the way the test meant: GetRecords polling, or SubscribeToShard pushes to a registered consumer.
      System.out.printf("%s: Kinesis calls by the KCL: %s%n", prefix, new TreeMap<>(calls));
      if (polling) {
        assertTrue(count(calls, "GetRecords") > 0, "polling reads with GetRecords: " + calls);
        assertEquals(0, count(calls, "SubscribeToShard"), "polling does not subscribe: " + calls);
      } else {
        assertTrue(count(calls, "SubscribeToShard") >= 3,
            "enhanced fan-out subscribes to the parent, the other shard and a child: " + calls);
        assertTrue(count(calls, "RegisterStreamConsumer") + count(calls, "DescribeStreamConsumer") > 0,
            "enhanced fan-out registers its consumer: " + calls);
        assertEquals(List.of(application), setup().listStreamConsumers(b -> b.streamARN(streamArn(stream)))
            .consumers().stream().map(c -> c.consumerName()).toList(), "the consumer the KCL registered");
      }
      assertTrue(collected.shardsWithRecords.size() >= 3,
          "records came from the parent, the other shard and at least one child: " + collected.shardsWithRecords);
    } finally {
      shutDown(scheduler, worker);
    }
  }

  private static void shutDown(Scheduler scheduler, Thread worker) throws InterruptedException {
    try {
      scheduler.startGracefulShutdown().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      scheduler.shutdown();
    }
    worker.join(TimeUnit.SECONDS.toMillis(20));
    if (worker.isAlive()) fail("the KCL Scheduler did not stop within 20 s of shutdown");
  }

  private static Map<String, String> checkpoints(DynamoDbAsyncClient dynamo, String table) {
    Map<String, String> checkpoints = new TreeMap<>();
    for (Map<String, AttributeValue> item : dynamo.scan(b -> b.tableName(table)).join().items()) {
      AttributeValue key = item.get("leaseKey");
      AttributeValue checkpoint = item.get("checkpoint");
      if (key != null) checkpoints.put(key.s(), checkpoint == null ? null : checkpoint.s());
    }
    return checkpoints;
  }

  /**
   * Creates the lease table as KCL 3 would, with its lease-owner index, so that the index is ACTIVE from the
   * start: when KCL adds the index itself, DynamoDB Local reports it CREATING and KCL sleeps a fixed 10 s.
   */
  private static void createLeaseTable(DynamoDbAsyncClient dynamo, String table) {
    dynamo.createTable(b -> b.tableName(table)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            AttributeDefinition.builder().attributeName("leaseKey").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("leaseOwner").attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName("leaseKey").keyType(KeyType.HASH).build())
        .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("LeaseOwnerToLeaseKeyIndex")
            .keySchema(KeySchemaElement.builder().attributeName("leaseOwner").keyType(KeyType.HASH).build(),
                KeySchemaElement.builder().attributeName("leaseKey").keyType(KeyType.RANGE).build())
            .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
            .build()))
        .join();
  }

  private static List<String> putBatch(String stream, String phase, int count) {
    List<String> data = new ArrayList<>();
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String value = stream + "/" + phase + "/" + i;
      data.add(value);
      entries.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + phase + "-" + i)
          .data(SdkBytes.fromUtf8String(value)).build());
    }
    var response = setup().putRecords(b -> b.streamName(stream).records(entries));
    assertEquals(0, response.failedRecordCount(), "PutRecords failures");
    return data;
  }

  private static int count(Map<String, AtomicInteger> calls, String operation) {
    AtomicInteger count = calls.get(operation);
    return count == null ? 0 : count.get();
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret"));
  }

  private static void await(String what, BooleanSupplier condition, Collected collected) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("KCL did not deliver " + what + " within " + DEADLINE.toSeconds() + " s; processed "
            + collected.distinct() + " distinct records from shards " + collected.shardsWithRecords
            + ", shards ended " + collected.shardsEnded + ", errors " + collected.errors);
      }
      Thread.sleep(100);
    }
  }

  /** What every record processor of one Scheduler saw. */
  private static final class Collected {
    final Map<String, AtomicInteger> records = new ConcurrentHashMap<>();
    final Set<String> shardsWithRecords = ConcurrentHashMap.newKeySet();
    final Set<String> shardsEnded = ConcurrentHashMap.newKeySet();
    final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();

    int distinct() {
      return records.size();
    }
  }

  private static final class CollectingProcessor implements ShardRecordProcessor {
    private final Collected collected;
    private String shardId;

    CollectingProcessor(Collected collected) {
      this.collected = collected;
    }

    @Override
    public void initialize(InitializationInput input) {
      shardId = input.shardId();
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
      for (KinesisClientRecord record : input.records()) {
        byte[] bytes = new byte[record.data().remaining()];
        record.data().get(bytes);
        collected.records.computeIfAbsent(new String(bytes, StandardCharsets.UTF_8), k -> new AtomicInteger())
            .incrementAndGet();
        collected.shardsWithRecords.add(shardId);
      }
      if (input.records().isEmpty()) return;
      try {
        input.checkpointer().checkpoint();
      } catch (Exception e) {
        collected.errors.add(shardId + ": checkpoint in processRecords: " + e);
      }
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
      collected.errors.add(shardId + ": lease lost");
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
      try {
        input.checkpointer().checkpoint();
        collected.shardsEnded.add(shardId);
      } catch (Exception e) {
        collected.errors.add(shardId + ": checkpoint at shard end: " + e);
      }
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
      try {
        input.checkpointer().checkpoint();
      } catch (Exception e) {
        // shutting down: nothing left to assert
      }
    }
  }
}
