package io.tributary.support;

import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
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
 * A Kinesis Client Library 3.x Scheduler consuming one stream of the test server from TRIM_HORIZON: leases in
 * an embedded DynamoDB Local (lease table created up front), no CloudWatch calls, short intervals. Every record
 * the processors see (de-aggregated by the KCL) is counted by its data as UTF-8. Closing it shuts the Scheduler
 * down and releases the clients and DynamoDB Local.
 */
public final class KclConsumer implements AutoCloseable {
  public static final Duration DEADLINE = Duration.ofSeconds(90);

  /** Kinesis operations the KCL called, by name. */
  public final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  public final Collected collected = new Collected();
  public final String application;
  private final AmazonDynamoDBLocal dynamoDb;
  private final DynamoDbAsyncClient dynamo;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final Scheduler scheduler;
  private final Thread worker;
  private final long started = System.nanoTime();

  private KclConsumer(URI endpoint, String stream, boolean polling) {
    application = "app-" + stream;
    dynamoDb = DynamoDBEmbedded.create(true);
    dynamo = dynamoDb.dynamoDbAsyncClient();
    createLeaseTable(dynamo, application);
    KinesisAsyncClient kinesis = KinesisClientUtil.createKinesisAsyncClient(KinesisAsyncClient.builder()
        .endpointOverride(endpoint)
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

    scheduler = new Scheduler(configs.checkpointConfig(), coordinator, leases, configs.lifecycleConfig(),
        configs.metricsConfig().metricsLevel(MetricsLevel.NONE), configs.processorConfig(), retrieval);
    worker = new Thread(scheduler, "kcl-scheduler-" + stream);
    worker.setDaemon(true);
  }

  /** Starts a Scheduler on {@code stream}: polling with GetRecords, or enhanced fan-out. */
  public static KclConsumer start(URI endpoint, String stream, boolean polling) {
    KclConsumer consumer = new KclConsumer(endpoint, stream, polling);
    consumer.worker.start();
    return consumer;
  }

  public long elapsedMillis() {
    return (System.nanoTime() - started) / 1_000_000;
  }

  public int count(String operation) {
    AtomicInteger count = calls.get(operation);
    return count == null ? 0 : count.get();
  }

  /** Waits up to {@link #DEADLINE} for {@code condition}, failing with what was processed so far. */
  public void await(String what, BooleanSupplier condition) throws InterruptedException {
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

  /** The lease table: checkpoint by lease key. */
  public Map<String, String> checkpoints() {
    Map<String, String> checkpoints = new TreeMap<>();
    for (Map<String, AttributeValue> item : dynamo.scan(b -> b.tableName(application)).join().items()) {
      AttributeValue key = item.get("leaseKey");
      AttributeValue checkpoint = item.get("checkpoint");
      if (key != null) checkpoints.put(key.s(), checkpoint == null ? null : checkpoint.s());
    }
    return checkpoints;
  }

  /** Shuts the Scheduler down (failing if it does not stop within 20 s), then releases everything. */
  @Override
  public void close() throws InterruptedException {
    try {
      try {
        scheduler.startGracefulShutdown().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        scheduler.shutdown();
      }
      worker.join(TimeUnit.SECONDS.toMillis(20));
      if (worker.isAlive()) fail("the KCL Scheduler did not stop within 20 s of shutdown");
    } finally {
      for (AutoCloseable closeable : toClose) {
        try {
          closeable.close();
        } catch (Exception ignored) {
          // best effort
        }
      }
      dynamoDb.shutdown();
    }
  }

  public static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret"));
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

  /** What every record processor of one Scheduler saw. */
  public static final class Collected {
    public final Map<String, AtomicInteger> records = new ConcurrentHashMap<>();
    public final Set<String> shardsWithRecords = ConcurrentHashMap.newKeySet();
    public final Set<String> shardsEnded = ConcurrentHashMap.newKeySet();
    public final List<String> errors = new CopyOnWriteArrayList<>();

    public int distinct() {
      return records.size();
    }

    /** Records processed other than exactly once, with their counts. */
    public Map<String, Integer> duplicates() {
      Map<String, Integer> duplicates = new TreeMap<>();
      records.forEach((data, count) -> {
        if (count.get() != 1) duplicates.put(data, count.get());
      });
      return duplicates;
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
