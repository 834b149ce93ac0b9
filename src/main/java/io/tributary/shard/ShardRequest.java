package io.tributary.shard;

import io.tributary.limits.ShardQuota;
import java.util.List;

/**
 * The messages a shard verticle answers on its event-bus address. They are immutable, so on the same node
 * the object itself is handed to the shard without copying; to another node they travel in the binary
 * forms of {@link ShardCodecs}.
 */
public sealed interface ShardRequest {

  /** A record as a producer sent it. */
  record IncomingRecord(String partitionKey, byte[] data) { }

  /**
   * Append records in order, as many as the quota lets in now (all of them when it is null); answered with
   * {@link Appended}. A writer that fences the shard ({@link ShardWriter}; null for any other) gets
   * {@link #FENCED_FAILURE} once a newer generation of it has fenced the shard, and nothing is appended.
   */
  record Append(List<IncomingRecord> records, ShardQuota quota, ShardWriter writer) implements ShardRequest {
    public Append(List<IncomingRecord> records, ShardQuota quota) {
      this(records, quota, null);
    }
  }

  /** Raise a writer's fence (see {@link ShardWriter}); answered with null once the shard refuses earlier generations. */
  record Fence(ShardWriter writer) implements ShardRequest { }

  /**
   * Where the appended records went: the first {@code count} of the request's records, at consecutive
   * offsets from {@code firstOffset}, with one arrival time; the others were over the shard's quota.
   */
  record Appended(long firstOffset, long arrivalMillis, int count) { }

  /**
   * Read a page of records; answered with {@link ShardPage}, or {@link #THROTTLED_FAILURE} when the quota
   * (if any) allows no read now.
   */
  record Read(long fromOffset, int maxRecords, long maxBytes, ShardQuota quota) implements ShardRequest { }

  /** Resolve an iterator's starting point to an offset; answered with a {@code Long}. */
  record Locate(Position position, long timestampMillis) implements ShardRequest { }

  enum Position { TRIM_HORIZON, LATEST, AT_TIMESTAMP }

  /** Change how long records stay readable; answered with null. */
  record SetRetention(long retentionMillis) implements ShardRequest { }

  /**
   * Stop taking appends, for a split or merge; answered with {@link Closed}. Appends that arrive later
   * fail with {@link ShardRequest#CLOSED_FAILURE}, and the caller routes them again.
   */
  record Close() implements ShardRequest { }

  /** Where a closed shard ended: its end offset and the arrival of its last record (-1 when empty). */
  record Closed(long endOffset, long lastArrivalMillis) { }

  /**
   * Start telling the event-bus address of a subscriber (on any node) where the shard's tip is; answered with the
   * current {@link Tip}. From then on the shard sends a {@link Tip} to the address after every
   * acknowledged append and once it is closed and settled, until {@link Unsubscribe}.
   */
  record Subscribe(String address) implements ShardRequest { }

  /**
   * Stop notifying a subscriber's address, and end the claim made for it (if any); answered with null.
   */
  record Unsubscribe(String address) implements ShardRequest { }

  /**
   * Make the subscription at {@code address} the consumer's one on this shard (SubscribeToShard's rule,
   * counted here at the shard so that it holds whichever node the subscriptions came through): refused if
   * the consumer's last claim is younger than {@code takeoverMillis}; otherwise granted, and the previous
   * claim's address is sent {@link TakenOver}. Answered with a {@code Boolean}, whether it was granted. A
   * negative {@code takeoverMillis} marks a copy of a claim granted where the claims are kept (see
   * {@link ShardLocator#claimCopies}): recorded as granted now, and no one is told.
   */
  record Claim(String consumerArn, String address, long takeoverMillis) implements ShardRequest {
    static final long COPY = -1;
  }

  /** Sent to a subscription's address when a newer subscription of the same consumer took over. */
  record TakenOver() { }

  /**
   * Sent to every reader following the tip when the shard stops here because it moved to another node: the
   * reader subscribes again, and its request reaches the new owner.
   */
  record Moved() { }

  /**
   * Where the shard's log ends: the offset the next record gets, the arrival of the last record (-1 when
   * empty), and whether the shard is closed with every append it took acknowledged (its end is final).
   */
  record Tip(long endOffset, long lastArrivalMillis, boolean ended) { }

  /** The failure code of an append sent to a closed shard. */
  int CLOSED_FAILURE = 409;

  /** The failure code of a read over the shard's quota. */
  int THROTTLED_FAILURE = 429;

  /** The failure code of an append to a shard whose log is offline after a failed write. */
  int UNAVAILABLE_FAILURE = 503;

  /**
   * The failure code of an append to a shard being handed over to another node: nothing was appended, and
   * the caller's node sends it again until the new owner takes it.
   */
  int MOVING_FAILURE = 307;

  /** The failure code of a request sent to a node the shard does not run on (any more, or yet). */
  int ABSENT_FAILURE = 404;

  /** The failure code of an append of a writer that a newer generation of it has fenced off. */
  int FENCED_FAILURE = 412;
}
