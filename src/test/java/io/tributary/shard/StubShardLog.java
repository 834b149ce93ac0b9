package io.tributary.shard;

import io.tributary.log.ShardLog;
import io.vertx.core.Future;
import java.util.List;

/** An empty shard log for tests of the shard verticle; a test overrides what it needs (appends, mostly). */
abstract class StubShardLog implements ShardLog {
  @Override
  public Future<Page> read(long fromOffset, int maxRecords, long maxBytes) {
    return Future.succeededFuture(new Page(List.of(), fromOffset, -1));
  }

  @Override
  public long startOffset() { return 0; }

  @Override
  public long endOffset() { return 0; }

  @Override
  public long lastArrivalMillis() { return -1; }

  @Override
  public Future<Long> offsetAtOrAfter(long arrivalMillis) { return Future.succeededFuture(0L); }

  @Override
  public Future<Void> close() { return Future.succeededFuture(); }
}
