package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.stream.ChannelLifecycle;
import io.tributary.api.KinesisException;
import io.tributary.api.Operation;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.ChannelDescriptor;
import io.tributary.stream.ChannelStatus;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamMode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * CreateChannel: a channel reading one on-demand stream, to deliver into a general purpose S3 bucket or
 * into S3 Tables. Only the metadata is kept: nothing is delivered. The description keeps the settings as
 * given, with AWS's documented defaults filled in (data freshness 300 s, the destination bucket as dead
 * letter queue of an S3 destination, logging off). The channel is CREATING, then ACTIVE.
 */
public final class CreateChannelHandler implements OperationHandler {
  static final int DEFAULT_DATA_FRESHNESS_SECONDS = 300;
  /** Where an S3 destination's undeliverable records would go when no dead letter queue is given. */
  static final String DEFAULT_ERROR_OUTPUT_PREFIX = "errors/";
  private static final String BUCKET_ARN_PATTERN = "arn:aws[-a-z0-9]*:s3:::[a-z0-9._-]{3,63}";
  private static final Shape DEAD_LETTER_QUEUE = Shape.of(
      Member.string("BucketARN").notNull().length(1, 2048).pattern(BUCKET_ARN_PATTERN),
      Member.string("ExpectedBucketOwner").notNull().length(12, 12).pattern("\\d{12}"),
      Member.string("ErrorOutputPrefix").length(1, 512).pattern("[0-9A-Za-z!\\-_'.*()\\/]+"));
  private static final Shape S3_DESTINATION = Shape.of(
      Member.structure("StorageConfiguration", Shape.of(
          Member.string("BucketARN").notNull().length(1, 2048).pattern(BUCKET_ARN_PATTERN),
          Member.string("ExpectedBucketOwner").notNull().length(12, 12).pattern("\\d{12}"),
          Member.string("CompressionType").notNull().oneOf(List.of("NONE", "GZIP", "ZSTD")),
          Member.string("OutputKeyTemplate").length(1, 1024).pattern("[0-9A-Za-z!\\-_'.*()\\/=:{}]+"),
          Member.string("StorageClass").oneOf(List.of("STANDARD", "INTELLIGENT_TIERING", "GLACIER_IR")))).notNull(),
      ChannelMembers.dataFreshness(),
      Member.structure("DeadLetterQueueS3Configuration", DEAD_LETTER_QUEUE));
  private static final Shape PARTITION_SPEC = Shape.of(
      Member.listOf("PartitionFields", Shape.of(
          Member.string("Transform").notNull().oneOf(List.of("TIME_HOUR")),
          Member.string("SourceName").notNull().length(1, 255).pattern("[a-zA-Z0-9\\.\\_]+")), null).notNull().length(1, 10));
  private static final Shape S3_TABLES_DESTINATION = Shape.of(
      Member.structure("DeadLetterQueueS3Configuration", DEAD_LETTER_QUEUE).notNull(),
      Member.listOf("S3TablesConfigurationList", Shape.of(
          Member.string("TableBucketARN").notNull().length(1, 2048)
              .pattern("arn:aws[-a-z0-9]*:s3tables:[-a-z0-9]+:\\d{12}:bucket/[a-z0-9_-]{3,63}"),
          Member.string("Namespace").notNull().length(1, 255).pattern("[0-9a-z_]+"),
          Member.string("TableName").notNull().length(1, 255).pattern("[0-9a-z_]+"),
          Member.string("CompressionType").notNull().oneOf(List.of("NONE", "ZSTD", "SNAPPY")),
          Member.structure("PartitionSpec", PARTITION_SPEC)), null).notNull().length(1, 10000),
      ChannelMembers.dataFreshness());
  private static final Shape RECORD_CONFIGURATION = Shape.of(
      Member.string("RecordFormatType").notNull().oneOf(List.of("GSR_JSON", "JSON", "STRING", "BYTE_ARRAY")),
      Member.string("GSRSchemaARN").length(1, 512)
          .pattern("arn:aws[-a-z0-9]*:glue:[-a-z0-9]+:\\d{12}:schema/[-a-zA-Z0-9_$#.]+/[-a-zA-Z0-9_$#.]+"));
  private static final Shape INPUT = Shape.of(
      Member.string("ChannelName").notNull().length(1, 128).pattern("[a-zA-Z0-9_.-]+"),
      Member.string("ServiceExecutionRoleARN").notNull().length(1, 512)
          .pattern("arn:aws[-a-z0-9]*:iam::\\d{12}:role/[a-zA-Z_0-9+=,.@\\-_/]+"),
      Member.listOf("StreamConfigurationList", Shape.of(
          StreamMembers.streamArn().notNull(),
          Member.structure("RecordConfiguration", RECORD_CONFIGURATION).notNull()), null).notNull().length(1, 10000),
      Member.structure(ChannelDescriptor.S3_DESTINATION, S3_DESTINATION),
      Member.structure(ChannelDescriptor.S3_TABLES_DESTINATION, S3_TABLES_DESTINATION),
      Member.structure("EncryptionConfiguration", Shape.of(
          Member.string("EncryptionType").notNull().oneOf(List.of("KMS")),
          Member.string("KeyId").notNull().length(1, 2048))),
      Member.map("Tags").length(1, 200),
      ChannelMembers.loggingConfiguration());

  private final Clock clock;
  private final StreamRegistry registry;
  private final ChannelLifecycle channelLifecycle;

  public CreateChannelHandler(Clock clock, StreamRegistry registry, ChannelLifecycle channelLifecycle) {
    this.clock = clock;
    this.registry = registry;
    this.channelLifecycle = channelLifecycle;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    Input s3 = input.structure(ChannelDescriptor.S3_DESTINATION);
    Input tables = input.structure(ChannelDescriptor.S3_TABLES_DESTINATION);
    if ((s3 == null) == (tables == null)) {
      throw KinesisException.invalidArgument("Exactly one of S3DestinationConfiguration and "
          + "S3TablesDestinationConfiguration must be specified.");
    }
    List<Input> sources = input.structures("StreamConfigurationList");
    if (sources.size() > 1) throw KinesisException.invalidArgument("Currently, only one stream is supported per channel.");
    if (tables != null && tables.structures("S3TablesConfigurationList").size() > 1) {
      throw KinesisException.invalidArgument("Currently, only one table is supported per channel.");
    }
    Input source = sources.get(0);
    Input recordConfiguration = source.structure("RecordConfiguration");
    checkRecordFormat(recordConfiguration, tables != null);

    StreamDescriptor stream = ResourceAccess.findStream(registry, context, Operation.CREATE_CHANNEL, source);
    StreamMembers.requireActive(stream);
    if (stream.mode() != StreamMode.ON_DEMAND) {
      throw KinesisException.client("ValidationException", "CreateChannel is not supported for stream " + stream.name()
          + " under account " + stream.key().account() + " because it is in " + stream.mode() + " capacity mode.");
    }

    JsonObject settings = new JsonObject().put("LoggingConfiguration", input.has("LoggingConfiguration")
        ? input.structure("LoggingConfiguration").toJson()
        : new JsonObject().put("CloudWatchLogs", new JsonObject().put("Enabled", false)));
    if (s3 != null) {
      settings.put(ChannelDescriptor.S3_DESTINATION, s3Destination(s3));
    } else {
      settings.put(ChannelDescriptor.S3_TABLES_DESTINATION, withDefaultFreshness(tables.toJson()));
    }
    if (input.has("EncryptionConfiguration")) {
      settings.put("EncryptionConfiguration", input.structure("EncryptionConfiguration").toJson());
    }
    Map<String, String> tags = new LinkedHashMap<>();
    if (input.has("Tags")) input.stringMap("Tags").forEach((key, value) -> tags.put(key, value == null ? "" : value));
    ChannelDescriptor channel = new ChannelDescriptor(context.account(), context.region(), input.string("ChannelName"),
        UUID.randomUUID().toString(), ChannelStatus.CREATING, clock.millis(),
        input.string("ServiceExecutionRoleARN"),
        List.of(new ChannelDescriptor.Source(stream.arn(), stream.createdMillis(), recordConfiguration.toJson())),
        settings, tags);
    return channelLifecycle.create(channel)
        .map(created -> writer -> ChannelMembers.writeDescription(writer, created));
  }

  /**
   * The record formats each destination takes, as AWS documents them: GSR_JSON only for S3 Tables, STRING
   * and BYTE_ARRAY only for S3, and S3 Tables always with a Glue schema.
   */
  private static void checkRecordFormat(Input recordConfiguration, boolean toTables) {
    String format = recordConfiguration.string("RecordFormatType");
    if (!toTables && format.equals("GSR_JSON")) {
      throw KinesisException.invalidArgument("RecordFormatType GSR_JSON is supported only for streaming table "
          + "(Amazon S3 Tables) destinations.");
    }
    if (toTables && (format.equals("STRING") || format.equals("BYTE_ARRAY"))) {
      throw KinesisException.invalidArgument("RecordFormatType " + format + " is supported only for general purpose "
          + "Amazon S3 destinations.");
    }
    if (toTables && !recordConfiguration.has("GSRSchemaARN")) {
      throw KinesisException.invalidArgument("GSRSchemaARN is required when the channel destination is a streaming "
          + "table (Amazon S3 Tables).");
    }
  }

  /** An S3 destination as DescribeChannel shows it: without a dead letter queue, the destination bucket is one. */
  private static JsonObject s3Destination(Input s3) {
    JsonObject destination = withDefaultFreshness(s3.toJson());
    if (!destination.containsKey("DeadLetterQueueS3Configuration")) {
      JsonObject storage = destination.getJsonObject("StorageConfiguration");
      destination.put("DeadLetterQueueS3Configuration", new JsonObject()
          .put("BucketARN", storage.getString("BucketARN"))
          .put("ExpectedBucketOwner", storage.getString("ExpectedBucketOwner"))
          .put("ErrorOutputPrefix", DEFAULT_ERROR_OUTPUT_PREFIX));
    }
    return destination;
  }

  private static JsonObject withDefaultFreshness(JsonObject destination) {
    if (!destination.containsKey("DataFreshnessInSeconds")) {
      destination.put("DataFreshnessInSeconds", DEFAULT_DATA_FRESHNESS_SECONDS);
    }
    return destination;
  }
}
