package io.tributary.stream;

import io.tributary.DomainException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans of splits and merges: which open shards close and which shards are made, with their lineage.
 * Pure: the {@link StreamLifecycle} carries a plan out. Every new shard has one parent (a split) or a
 * parent and an adjacent parent (a merge), so readers can follow the lineage from any shard. As AWS's,
 * new shards are stamped created a second after the change is asked for, and their parents end then.
 */
public final class Resharding {
  /** How long after a change is asked for its new shards are stamped created. */
  static final long CHILD_DELAY_MILLIS = 1000;

  /**
   * @param closing the open shards the change closes
   * @param created the shards it makes, in order: open ones, and for UpdateShardCount short-lived
   *     intermediate shards that are closed at once (as AWS's own uniform scaling leaves behind)
   * @param scaling whether it is an UpdateShardCount, which counts against AWS's limit of scalings a day
   */
  public record Plan(List<String> closing, List<ShardDescriptor> created, boolean scaling) {
    public Plan {
      closing = List.copyOf(closing);
      created = List.copyOf(created);
    }
  }

  private Resharding() { }

  /** SplitShard: the shard's range divides at the new starting hash key into two children. */
  public static Plan split(StreamDescriptor stream, ShardDescriptor shard, BigInteger newStartingHashKey, long now) {
    HashKeyRange range = shard.hashKeyRange();
    if (newStartingHashKey.compareTo(range.start().add(BigInteger.ONE)) <= 0 || newStartingHashKey.compareTo(range.end()) >= 0) {
      throw DomainException.invalidArgument("NewStartingHashKey " + newStartingHashKey + " used in SplitShard() on shard "
          + shard.shardId() + " in stream " + stream.name() + " under account " + stream.key().account()
          + " is not both greater than one plus the shard's StartingHashKey " + range.start()
          + " and less than the shard's EndingHashKey " + range.end() + ".");
    }
    int next = stream.nextShardIndex();
    long created = now + CHILD_DELAY_MILLIS;
    return new Plan(List.of(shard.shardId()), List.of(
        ShardDescriptor.open(next, new HashKeyRange(range.start(), newStartingHashKey.subtract(BigInteger.ONE)),
            shard.shardId(), null, created),
        ShardDescriptor.open(next + 1, new HashKeyRange(newStartingHashKey, range.end()), shard.shardId(), null, created)),
        false);
  }

  /**
   * MergeShards: two open shards become one child, the adjacent one's range right after the first's, as AWS
   * requires (an inverted pair is refused like any other that is not adjacent).
   */
  public static Plan merge(StreamDescriptor stream, ShardDescriptor shard, ShardDescriptor adjacent, long now) {
    if (!shard.hashKeyRange().end().add(BigInteger.ONE).equals(adjacent.hashKeyRange().start())) {
      throw DomainException.invalidArgument("Shards " + shard.shardId() + " and " + adjacent.shardId() + " in stream "
          + stream.name() + " under account " + stream.key().account()
          + " are not an adjacent pair of shards eligible for merging");
    }
    ShardDescriptor child = ShardDescriptor.open(stream.nextShardIndex(),
        new HashKeyRange(shard.hashKeyRange().start(), adjacent.hashKeyRange().end()), shard.shardId(), adjacent.shardId(),
        now + CHILD_DELAY_MILLIS);
    return new Plan(List.of(shard.shardId(), adjacent.shardId()), List.of(child), false);
  }

  /**
   * UpdateShardCount with UNIFORM_SCALING: open shards of equal size, reached as AWS does by splits and
   * merges. Every open shard is split at each target boundary inside it; then the pieces of each target
   * range are merged left to right. Pieces that are merged again are closed at once.
   */
  public static Plan uniformScaling(StreamDescriptor stream, int targetCount, long now) {
    long born = now + CHILD_DELAY_MILLIS;
    List<HashKeyRange> targets = HashKeyRange.split(targetCount);
    List<ShardDescriptor> open = stream.openShards();
    int next = stream.nextShardIndex();
    List<ShardDescriptor> created = new ArrayList<>();
    List<String> closing = new ArrayList<>();

    // Split phase: pieces that each lie within one target range.
    List<ShardDescriptor> pieces = new ArrayList<>();
    for (ShardDescriptor shard : open) {
      ShardDescriptor remainder = shard;
      boolean split = false;
      for (HashKeyRange target : targets) {
        BigInteger boundary = target.start();
        HashKeyRange range = remainder.hashKeyRange();
        if (boundary.compareTo(range.start()) > 0 && boundary.compareTo(range.end()) <= 0) {
          ShardDescriptor left = ShardDescriptor.open(next++, new HashKeyRange(range.start(), boundary.subtract(BigInteger.ONE)),
              remainder.shardId(), null, born);
          ShardDescriptor right = ShardDescriptor.open(next++, new HashKeyRange(boundary, range.end()),
              remainder.shardId(), null, born);
          if (remainder != shard) created.add(closedAtOnce(remainder, born));
          pieces.add(left);
          remainder = right;
          split = true;
        }
      }
      if (split) {
        closing.add(shard.shardId());
        pieces.add(remainder);
      } else {
        pieces.add(shard);
      }
    }

    // Merge phase: each target range's pieces, left to right.
    List<ShardDescriptor> result = new ArrayList<>();
    int p = 0;
    for (HashKeyRange target : targets) {
      ShardDescriptor merged = pieces.get(p++);
      while (p < pieces.size() && pieces.get(p).hashKeyRange().end().compareTo(target.end()) <= 0) {
        ShardDescriptor piece = pieces.get(p++);
        ShardDescriptor child = ShardDescriptor.open(next++,
            new HashKeyRange(merged.hashKeyRange().start(), piece.hashKeyRange().end()), merged.shardId(), piece.shardId(), born);
        retire(merged, open, closing, created, born);
        retire(piece, open, closing, created, born);
        merged = child;
      }
      result.add(merged);
    }
    for (ShardDescriptor shard : result) {
      if (!open.contains(shard)) created.add(shard);
    }
    return new Plan(closing, created, true);
  }

  /** A piece consumed by a merge: an existing open shard closes; a new piece is made closed. */
  private static void retire(ShardDescriptor piece, List<ShardDescriptor> open, List<String> closing,
      List<ShardDescriptor> created, long now) {
    if (open.contains(piece)) {
      closing.add(piece.shardId());
    } else {
      created.add(closedAtOnce(piece, now));
    }
  }

  private static ShardDescriptor closedAtOnce(ShardDescriptor shard, long now) {
    return shard.closed(endingSequenceNumber(shard, now), now);
  }

  /**
   * A closed shard's EndingSequenceNumber: the largest offset its layout can hold, so it is above every
   * record the shard took, as AWS's are, whatever arrival time it bears.
   */
  public static String endingSequenceNumber(ShardDescriptor shard, long arrivalMillis) {
    return shard.sequenceNumber(Long.MAX_VALUE, arrivalMillis);
  }
}
