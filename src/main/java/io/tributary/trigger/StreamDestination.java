package io.tributary.trigger;

import io.tributary.Services;
import io.tributary.shard.RecordAppender;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A failure destination that is another stream: the description is appended the way PutRecord appends. */
final class StreamDestination implements FailureDestination {
  private final Services services;
  private final StreamKey stream;

  StreamDestination(Services services, StreamKey stream) {
    this.services = services;
    this.stream = stream;
  }

  @Override
  public Future<Void> send(ShardDescriptor source, JsonObject description) {
    StreamDescriptor target = services.registry().find(stream);
    if (target == null || !target.acceptsData()) {
      return Future.failedFuture(new IllegalStateException("failure destination " + stream.arn() + " does not exist or is not ACTIVE"));
    }
    RecordAppender.Outgoing record = new RecordAppender.Outgoing(source.shardId(), null,
        description.encode().getBytes(StandardCharsets.UTF_8));
    return services.appender().append(target, List.of(record)).compose(placed -> placed.failedCount() == 0
        ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("failure destination " + stream.arn() + " did not take the record")));
  }
}
