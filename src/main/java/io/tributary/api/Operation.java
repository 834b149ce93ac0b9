package io.tributary.api;

import io.tributary.Services;
import io.tributary.api.operation.AddTagsToStreamHandler;
import io.tributary.api.operation.CreateChannelHandler;
import io.tributary.api.operation.CreateStreamHandler;
import io.tributary.api.operation.DecreaseStreamRetentionPeriodHandler;
import io.tributary.api.operation.DeleteChannelHandler;
import io.tributary.api.operation.DeleteResourcePolicyHandler;
import io.tributary.api.operation.DeleteStreamHandler;
import io.tributary.api.operation.DeregisterStreamConsumerHandler;
import io.tributary.api.operation.DescribeAccountSettingsHandler;
import io.tributary.api.operation.DescribeChannelHandler;
import io.tributary.api.operation.DescribeLimitsHandler;
import io.tributary.api.operation.DescribeStreamConsumerHandler;
import io.tributary.api.operation.DescribeStreamHandler;
import io.tributary.api.operation.DescribeStreamSummaryHandler;
import io.tributary.api.operation.DisableEnhancedMonitoringHandler;
import io.tributary.api.operation.EnableEnhancedMonitoringHandler;
import io.tributary.api.operation.GetRecordsHandler;
import io.tributary.api.operation.GetResourcePolicyHandler;
import io.tributary.api.operation.GetShardIteratorHandler;
import io.tributary.api.operation.IncreaseStreamRetentionPeriodHandler;
import io.tributary.api.operation.ListChannelsHandler;
import io.tributary.api.operation.ListShardsHandler;
import io.tributary.api.operation.ListStreamConsumersHandler;
import io.tributary.api.operation.ListStreamsHandler;
import io.tributary.api.operation.ListTagsForResourceHandler;
import io.tributary.api.operation.ListTagsForStreamHandler;
import io.tributary.api.operation.MergeShardsHandler;
import io.tributary.api.operation.PutRecordHandler;
import io.tributary.api.operation.PutRecordsHandler;
import io.tributary.api.operation.PutResourcePolicyHandler;
import io.tributary.api.operation.RegisterStreamConsumerHandler;
import io.tributary.api.operation.RemoveTagsFromStreamHandler;
import io.tributary.api.operation.SplitShardHandler;
import io.tributary.api.operation.StartStreamEncryptionHandler;
import io.tributary.api.operation.StopStreamEncryptionHandler;
import io.tributary.api.operation.SubscribeToShardHandler;
import io.tributary.api.operation.TagResourceHandler;
import io.tributary.api.operation.UntagResourceHandler;
import io.tributary.api.operation.UpdateAccountSettingsHandler;
import io.tributary.api.operation.UpdateChannelHandler;
import io.tributary.api.operation.UpdateMaxRecordSizeHandler;
import io.tributary.api.operation.UpdateShardCountHandler;
import io.tributary.api.operation.UpdateStreamModeHandler;
import io.tributary.api.operation.UpdateStreamRecordDistributionStrategyHandler;
import io.tributary.api.operation.UpdateStreamWarmThroughputHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The operations this server answers, by their name in {@code X-Amz-Target: Kinesis_20131202.<Name>}.
 * A target not listed here gets UnknownOperationException. Each names how its handler is made from the
 * server's services, handing it only those it uses.
 */
public enum Operation {
  CREATE_STREAM("CreateStream", s -> new CreateStreamHandler(s.settings(), s.clock(), s.registry(), s.lifecycle())),
  DELETE_STREAM("DeleteStream", s -> new DeleteStreamHandler(s.registry(), s.lifecycle(), s.channels())),
  DESCRIBE_STREAM("DescribeStream", s -> new DescribeStreamHandler(s.registry())),
  DESCRIBE_STREAM_SUMMARY("DescribeStreamSummary", s -> new DescribeStreamSummaryHandler(s.registry(), s.channels())),
  LIST_STREAMS("ListStreams", s -> new ListStreamsHandler(s.clock(), s.registry(), s.iterators())),
  LIST_SHARDS("ListShards", s -> new ListShardsHandler(s.clock(), s.registry(), s.iterators())),
  PUT_RECORD("PutRecord", s -> new PutRecordHandler(s.clock(), s.registry(), s.appender(), s.streamMetrics())),
  PUT_RECORDS("PutRecords", s -> new PutRecordsHandler(s.registry(), s.appender(), s.streamMetrics())),
  GET_SHARD_ITERATOR("GetShardIterator",
      s -> new GetShardIteratorHandler(s.clock(), s.registry(), s.shards(), s.iterators())),
  GET_RECORDS("GetRecords",
      s -> new GetRecordsHandler(s.clock(), s.registry(), s.shards(), s.iterators(), s.quotas(), s.streamMetrics())),
  SUBSCRIBE_TO_SHARD("SubscribeToShard",
      s -> new SubscribeToShardHandler(s.vertx(), s.clock(), s.registry(), s.shards(), s.subscriptions(),
          s.streamMetrics())),
  SPLIT_SHARD("SplitShard", s -> new SplitShardHandler(s.clock(), s.registry(), s.lifecycle())),
  MERGE_SHARDS("MergeShards", s -> new MergeShardsHandler(s.clock(), s.registry(), s.lifecycle())),
  UPDATE_SHARD_COUNT("UpdateShardCount", s -> new UpdateShardCountHandler(s.clock(), s.registry(), s.lifecycle())),
  ADD_TAGS_TO_STREAM("AddTagsToStream", s -> new AddTagsToStreamHandler(s.registry(), s.lifecycle())),
  REMOVE_TAGS_FROM_STREAM("RemoveTagsFromStream", s -> new RemoveTagsFromStreamHandler(s.registry(), s.lifecycle())),
  LIST_TAGS_FOR_STREAM("ListTagsForStream", s -> new ListTagsForStreamHandler(s.registry())),
  TAG_RESOURCE("TagResource", s -> new TagResourceHandler(s.registry(), s.lifecycle(), s.consumers())),
  UNTAG_RESOURCE("UntagResource", s -> new UntagResourceHandler(s.registry(), s.lifecycle(), s.consumers())),
  LIST_TAGS_FOR_RESOURCE("ListTagsForResource", s -> new ListTagsForResourceHandler(s.registry())),
  PUT_RESOURCE_POLICY("PutResourcePolicy", s -> new PutResourcePolicyHandler(s.registry(), s.lifecycle())),
  GET_RESOURCE_POLICY("GetResourcePolicy", s -> new GetResourcePolicyHandler(s.registry())),
  DELETE_RESOURCE_POLICY("DeleteResourcePolicy", s -> new DeleteResourcePolicyHandler(s.registry(), s.lifecycle())),
  REGISTER_STREAM_CONSUMER("RegisterStreamConsumer",
      s -> new RegisterStreamConsumerHandler(s.registry(), s.consumers())),
  DEREGISTER_STREAM_CONSUMER("DeregisterStreamConsumer",
      s -> new DeregisterStreamConsumerHandler(s.registry(), s.consumers(), s.subscriptions())),
  DESCRIBE_STREAM_CONSUMER("DescribeStreamConsumer", s -> new DescribeStreamConsumerHandler(s.registry())),
  LIST_STREAM_CONSUMERS("ListStreamConsumers",
      s -> new ListStreamConsumersHandler(s.clock(), s.registry(), s.iterators())),
  UPDATE_STREAM_RECORD_DISTRIBUTION_STRATEGY("UpdateStreamRecordDistributionStrategy",
      s -> new UpdateStreamRecordDistributionStrategyHandler(s.registry(), s.lifecycle())),
  CREATE_CHANNEL("CreateChannel", s -> new CreateChannelHandler(s.clock(), s.registry(), s.channelLifecycle())),
  DESCRIBE_CHANNEL("DescribeChannel", s -> new DescribeChannelHandler(s.channels())),
  LIST_CHANNELS("ListChannels", s -> new ListChannelsHandler(s.clock(), s.channels(), s.iterators())),
  UPDATE_CHANNEL("UpdateChannel", s -> new UpdateChannelHandler(s.channels(), s.channelLifecycle())),
  DELETE_CHANNEL("DeleteChannel", s -> new DeleteChannelHandler(s.channels(), s.channelLifecycle())),
  INCREASE_STREAM_RETENTION_PERIOD("IncreaseStreamRetentionPeriod",
      s -> new IncreaseStreamRetentionPeriodHandler(s.registry(), s.lifecycle())),
  DECREASE_STREAM_RETENTION_PERIOD("DecreaseStreamRetentionPeriod",
      s -> new DecreaseStreamRetentionPeriodHandler(s.registry(), s.lifecycle())),
  UPDATE_STREAM_MODE("UpdateStreamMode", s -> new UpdateStreamModeHandler(s.clock(), s.registry(), s.lifecycle())),
  UPDATE_STREAM_WARM_THROUGHPUT("UpdateStreamWarmThroughput",
      s -> new UpdateStreamWarmThroughputHandler(s.clock(), s.registry(), s.lifecycle())),
  UPDATE_MAX_RECORD_SIZE("UpdateMaxRecordSize", s -> new UpdateMaxRecordSizeHandler(s.registry(), s.lifecycle())),
  START_STREAM_ENCRYPTION("StartStreamEncryption",
      s -> new StartStreamEncryptionHandler(s.vertx(), s.clock(), s.registry(), s.lifecycle())),
  STOP_STREAM_ENCRYPTION("StopStreamEncryption",
      s -> new StopStreamEncryptionHandler(s.vertx(), s.clock(), s.registry(), s.lifecycle())),
  ENABLE_ENHANCED_MONITORING("EnableEnhancedMonitoring",
      s -> new EnableEnhancedMonitoringHandler(s.registry(), s.lifecycle())),
  DISABLE_ENHANCED_MONITORING("DisableEnhancedMonitoring",
      s -> new DisableEnhancedMonitoringHandler(s.registry(), s.lifecycle())),
  DESCRIBE_LIMITS("DescribeLimits", s -> new DescribeLimitsHandler(s.registry())),
  DESCRIBE_ACCOUNT_SETTINGS("DescribeAccountSettings",
      s -> new DescribeAccountSettingsHandler(s.clock(), s.registry())),
  UPDATE_ACCOUNT_SETTINGS("UpdateAccountSettings",
      s -> new UpdateAccountSettingsHandler(s.clock(), s.registry(), s.metadata()));

  public static final String TARGET_PREFIX = "Kinesis_20131202";

  private static final Map<String, Operation> BY_NAME = new HashMap<>();

  static {
    for (Operation operation : values()) BY_NAME.put(operation.wireName, operation);
  }

  private final String wireName;
  private final Function<Services, OperationHandler> factory;

  Operation(String wireName, Function<Services, OperationHandler> factory) {
    this.wireName = wireName;
    this.factory = factory;
  }

  public String wireName() { return wireName; }

  /**
   * Whether an overloaded event loop answers this call at once with a throttling error: the calls that
   * carry records, whose clients retry them with backoff. Control-plane calls are few and are served.
   */
  public boolean shedUnderOverload() {
    return this == PUT_RECORD || this == PUT_RECORDS || this == GET_RECORDS;
  }

  public OperationHandler newHandler(Services services) { return factory.apply(services); }

  /** The operation of that name, or null. */
  public static Operation named(String name) {
    return name == null ? null : BY_NAME.get(name);
  }
}
