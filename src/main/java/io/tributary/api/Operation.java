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
 * A target not listed here gets UnknownOperationException.
 */
public enum Operation {
  CREATE_STREAM("CreateStream", CreateStreamHandler::new),
  DELETE_STREAM("DeleteStream", DeleteStreamHandler::new),
  DESCRIBE_STREAM("DescribeStream", DescribeStreamHandler::new),
  DESCRIBE_STREAM_SUMMARY("DescribeStreamSummary", DescribeStreamSummaryHandler::new),
  LIST_STREAMS("ListStreams", ListStreamsHandler::new),
  LIST_SHARDS("ListShards", ListShardsHandler::new),
  PUT_RECORD("PutRecord", PutRecordHandler::new),
  PUT_RECORDS("PutRecords", PutRecordsHandler::new),
  GET_SHARD_ITERATOR("GetShardIterator", GetShardIteratorHandler::new),
  GET_RECORDS("GetRecords", GetRecordsHandler::new),
  SUBSCRIBE_TO_SHARD("SubscribeToShard", SubscribeToShardHandler::new),
  SPLIT_SHARD("SplitShard", SplitShardHandler::new),
  MERGE_SHARDS("MergeShards", MergeShardsHandler::new),
  UPDATE_SHARD_COUNT("UpdateShardCount", UpdateShardCountHandler::new),
  ADD_TAGS_TO_STREAM("AddTagsToStream", AddTagsToStreamHandler::new),
  REMOVE_TAGS_FROM_STREAM("RemoveTagsFromStream", RemoveTagsFromStreamHandler::new),
  LIST_TAGS_FOR_STREAM("ListTagsForStream", ListTagsForStreamHandler::new),
  TAG_RESOURCE("TagResource", TagResourceHandler::new),
  UNTAG_RESOURCE("UntagResource", UntagResourceHandler::new),
  LIST_TAGS_FOR_RESOURCE("ListTagsForResource", ListTagsForResourceHandler::new),
  PUT_RESOURCE_POLICY("PutResourcePolicy", PutResourcePolicyHandler::new),
  GET_RESOURCE_POLICY("GetResourcePolicy", GetResourcePolicyHandler::new),
  DELETE_RESOURCE_POLICY("DeleteResourcePolicy", DeleteResourcePolicyHandler::new),
  REGISTER_STREAM_CONSUMER("RegisterStreamConsumer", RegisterStreamConsumerHandler::new),
  DEREGISTER_STREAM_CONSUMER("DeregisterStreamConsumer", DeregisterStreamConsumerHandler::new),
  DESCRIBE_STREAM_CONSUMER("DescribeStreamConsumer", DescribeStreamConsumerHandler::new),
  LIST_STREAM_CONSUMERS("ListStreamConsumers", ListStreamConsumersHandler::new),
  UPDATE_STREAM_RECORD_DISTRIBUTION_STRATEGY("UpdateStreamRecordDistributionStrategy",
      UpdateStreamRecordDistributionStrategyHandler::new),
  CREATE_CHANNEL("CreateChannel", CreateChannelHandler::new),
  DESCRIBE_CHANNEL("DescribeChannel", DescribeChannelHandler::new),
  LIST_CHANNELS("ListChannels", ListChannelsHandler::new),
  UPDATE_CHANNEL("UpdateChannel", UpdateChannelHandler::new),
  DELETE_CHANNEL("DeleteChannel", DeleteChannelHandler::new),
  INCREASE_STREAM_RETENTION_PERIOD("IncreaseStreamRetentionPeriod", IncreaseStreamRetentionPeriodHandler::new),
  DECREASE_STREAM_RETENTION_PERIOD("DecreaseStreamRetentionPeriod", DecreaseStreamRetentionPeriodHandler::new),
  UPDATE_STREAM_MODE("UpdateStreamMode", UpdateStreamModeHandler::new),
  UPDATE_STREAM_WARM_THROUGHPUT("UpdateStreamWarmThroughput", UpdateStreamWarmThroughputHandler::new),
  UPDATE_MAX_RECORD_SIZE("UpdateMaxRecordSize", UpdateMaxRecordSizeHandler::new),
  START_STREAM_ENCRYPTION("StartStreamEncryption", StartStreamEncryptionHandler::new),
  STOP_STREAM_ENCRYPTION("StopStreamEncryption", StopStreamEncryptionHandler::new),
  ENABLE_ENHANCED_MONITORING("EnableEnhancedMonitoring", EnableEnhancedMonitoringHandler::new),
  DISABLE_ENHANCED_MONITORING("DisableEnhancedMonitoring", DisableEnhancedMonitoringHandler::new),
  DESCRIBE_LIMITS("DescribeLimits", DescribeLimitsHandler::new),
  DESCRIBE_ACCOUNT_SETTINGS("DescribeAccountSettings", DescribeAccountSettingsHandler::new),
  UPDATE_ACCOUNT_SETTINGS("UpdateAccountSettings", UpdateAccountSettingsHandler::new);

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
