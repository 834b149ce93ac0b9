package io.tributary.shard;

/**
 * A request reached a shard that cannot serve it: its log is offline after a failed write or fsync (a full
 * disk), or its verticle is not running (its log could not be opened) or did not answer. Nothing of an
 * append that fails so was stored. Callers answer InternalFailure (HTTP 500), which every AWS SDK and the KPL retry, and
 * which is the only failure code PutRecords may give a record besides throttling.
 */
public final class ShardUnavailableException extends RuntimeException {
  public ShardUnavailableException() {
    this("shard log is offline");
  }

  public ShardUnavailableException(String reason) {
    super(reason, null, false, false);
  }
}
