package io.tributary.shard;

/**
 * An append reached a shard whose log is offline after a failed write or fsync (a full disk): nothing of
 * it was stored. Callers answer InternalFailure (HTTP 500), which every AWS SDK and the KPL retry, and
 * which is the only failure code PutRecords may give a record besides throttling.
 */
public final class ShardUnavailableException extends RuntimeException {
  public ShardUnavailableException() {
    super("shard log is offline", null, false, false);
  }
}
