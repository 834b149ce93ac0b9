package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.shard.ShardClient;
import io.tributary.metrics.StreamMetrics;
import io.tributary.limits.Quotas;
import io.tributary.api.KinesisException;
import io.tributary.api.Operation;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.ResponseWriter;
import io.tributary.api.wire.Shape;
import io.tributary.api.Throttling;
import io.tributary.shard.ShardRecord;
import io.tributary.metrics.StreamMeters;
import io.tributary.shard.ShardIterator;
import io.tributary.shard.ShardPage;
import io.tributary.shard.ShardThrottledException;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.vertx.core.Future;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

/**
 * GetRecords: a page of up to Limit records (10,000) and 10 MiB from the iterator's position, the
 * iterator to continue from, and how far behind the shard's tip the page ends. Past the last record of a
 * closed shard there is no next iterator and ChildShards names the shards that continue it.
 */
public final class GetRecordsHandler implements OperationHandler {
  static final long ITERATOR_LIFETIME_MILLIS = 300_000;
  private static final long MAX_BYTES = 10L * 1024 * 1024;
  /** The request members and their rules; the streamed decoder (StreamedInputs) lists the same. */
  public static final Shape INPUT = Shape.of(
      Member.integer("Limit").min(1).max(10000),
      Member.string("ShardIterator").notNull().length(1, 512),
      StreamMembers.streamArn(),
      StreamMembers.streamId(),
      DryRun.member());

  private final Clock clock;
  private final StreamRegistry registry;
  private final ShardClient shards;
  private final ShardIterator.Codec iterators;
  private final Quotas quotas;
  private final StreamMetrics streamMetrics;

  public GetRecordsHandler(Clock clock, StreamRegistry registry, ShardClient shards, ShardIterator.Codec iterators, Quotas quotas, StreamMetrics streamMetrics) {
    this.clock = clock;
    this.registry = registry;
    this.shards = shards;
    this.iterators = iterators;
    this.quotas = quotas;
    this.streamMetrics = streamMetrics;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    long now = clock.millis();
    ShardIterator iterator = iterators.decode(input.string("ShardIterator"));
    if (iterator == null || iterator.createdMillis() > now + 1000) {
      throw KinesisException.invalidArgument("Invalid ShardIterator.");
    }
    if (now - iterator.createdMillis() > ITERATOR_LIFETIME_MILLIS) {
      throw KinesisException.client("ExpiredIteratorException", "Iterator expired. The iterator was created at time "
          + awsDate(iterator.createdMillis()) + " while right now it is " + awsDate(now) + " which is further in the "
          + "future than the tolerated delay of " + ITERATOR_LIFETIME_MILLIS + " milliseconds.");
    }
    StreamKey key = new StreamKey(iterator.account(), iterator.region(), iterator.streamName());
    StreamDescriptor stream = registry.find(key);
    // An iterator names its stream's account, not the caller's: another account reads only if allowed.
    if (stream != null) {
      ResourceAccess.require(context, Operation.GET_RECORDS, stream, null);
    } else if (!key.account().equals(context.account())) {
      throw ResourceAccess.notAllowed(context, Operation.GET_RECORDS, key.arn());
    }
    ShardDescriptor shard = stream == null || stream.createdMillis() != iterator.streamCreatedMillis()
        ? null : stream.shard(iterator.shardId());
    if (shard == null) {
      throw KinesisException.resourceNotFound("Shard " + iterator.shardId() + " in stream " + key.name()
          + " under account " + key.account() + " does not exist");
    }
    DryRun.stopIfRequested(input);
    int limit = input.integer("Limit", 10000);
    StreamMeters meters = streamMetrics.of(stream);
    long started = System.nanoTime();
    return shards.getRecords(stream, shard, iterator.offset(), limit, MAX_BYTES)
        .recover(failure -> {
          meters.getRecordsFailed(System.nanoTime() - started);
          if (!(failure instanceof ShardThrottledException)) return Future.failedFuture(failure);
          quotas.counters().readRefused(stream, shard);
          meters.readThrottled(stream, shard);
          return Future.failedFuture(Throttling.readThrottled(stream, shard));
        })
        .map(page -> {
          long answeredAt = clock.millis();
          count(meters, stream, shard, page, answeredAt, System.nanoTime() - started);
          return response(stream, shard, iterator, page, answeredAt);
        });
  }

  /**
   * GetRecords.* and Outgoing* of one answer. IteratorAgeMilliseconds is the age of the answer's last record,
   * as CloudWatch's; an answer without records has caught up, 0.
   */
  private static void count(StreamMeters meters, StreamDescriptor stream, ShardDescriptor shard, ShardPage page,
      long now, long elapsedNanos) {
    List<ShardRecord> records = page.records();
    long bytes = 0;
    for (ShardRecord record : records) bytes += record.size();
    long age = records.isEmpty() ? 0 : Math.max(0, now - records.get(records.size() - 1).arrivalMillis());
    meters.getRecords(stream, shard, elapsedNanos, records.size(), bytes, age);
  }

  private Response response(StreamDescriptor stream, ShardDescriptor shard, ShardIterator iterator, ShardPage page,
      long now) {
    // As AWS: the last records of a closed shard still come with a next iterator; the page after them
    // ends the shard.
    boolean shardEnded = !shard.isOpen() && page.records().isEmpty() && page.nextOffset() >= page.endOffset();
    String next = shardEnded ? null : iterators.encode(new ShardIterator(now, iterator.account(),
        iterator.region(), iterator.streamName(), iterator.streamCreatedMillis(), shard.shardId(), page.nextOffset()));
    long millisBehind = page.nextArrivalMillis() < 0 ? 0 : Math.max(0, now - page.nextArrivalMillis());
    List<ShardRecord> records = page.records();
    return new Response() {
      @Override
      public void writeMembers(ResponseWriter writer) {
        writeRecords(writer, stream, shard, records);
        writer.field("NextShardIterator", next).field("MillisBehindLatest", millisBehind);
        if (shardEnded) writeChildShards(writer, stream, shard);
      }

      @Override
      public int sizeHint() {
        long bytes = 512;
        for (ShardRecord record : records) bytes += record.size() * 4L / 3 + 160;
        return (int) Math.min(bytes, 64L * 1024 * 1024);
      }
    };
  }

  /** The Records member of GetRecords and of SubscribeToShardEvent. */
  static void writeRecords(ResponseWriter writer, StreamDescriptor stream, ShardDescriptor shard,
      List<ShardRecord> records) {
    boolean everEncrypted = !stream.encryptionChanges().isEmpty();
    writer.startArray("Records");
    for (ShardRecord record : records) {
      writer.startObject()
          .field("SequenceNumber", shard.sequenceNumber(record.offset(), record.arrivalMillis()))
          .timestamp("ApproximateArrivalTimestamp", record.arrivalMillis())
          .blob("Data", record.data())
          .field("PartitionKey", partitionKeyOf(record));
      // Records written while the stream was encrypted say so; others carry no EncryptionType.
      if (everEncrypted && stream.encryptionTypeAt(record.arrivalMillis()).equals("KMS")) {
        writer.field("EncryptionType", "KMS");
      }
      writer.endObject();
    }
    writer.endArray();
  }

  /** The shards that continue a closed one, each with its parents and hash key range. */
  static void writeChildShards(ResponseWriter writer, StreamDescriptor stream, ShardDescriptor parent) {
    writer.startArray("ChildShards");
    for (ShardDescriptor child : stream.shards()) {
      if (!parent.shardId().equals(child.parentShardId()) && !parent.shardId().equals(child.adjacentParentShardId())) {
        continue;
      }
      writer.startObject().field("ShardId", child.shardId()).startArray("ParentShards");
      writer.string(child.parentShardId());
      if (child.adjacentParentShardId() != null) writer.string(child.adjacentParentShardId());
      writer.endArray()
          .startObject("HashKeyRange")
          .field("StartingHashKey", child.hashKeyRange().start().toString())
          .field("EndingHashKey", child.hashKeyRange().end().toString())
          .endObject()
          .endObject();
    }
    writer.endArray();
  }

  /** A record put without a partition key is read back without one. */
  private static String partitionKeyOf(ShardRecord record) {
    return record.partitionKey().equals(ShardRecord.NO_PARTITION_KEY) ? null : record.partitionKey();
  }

  /** A time as AWS's Java front end prints it: {@code Thu Jan 22 01:22:02 UTC 2015}. */
  private static String awsDate(long millis) {
    SimpleDateFormat format = new SimpleDateFormat("EEE MMM dd HH:mm:ss zzz yyyy", Locale.ROOT);
    format.setTimeZone(TimeZone.getTimeZone("UTC"));
    return format.format(new Date(millis));
  }
}
