package io.tributary.metrics;

import java.util.List;

/**
 * Which of CloudWatch's seven shard-level metrics a stream has enhanced monitoring of, by the names
 * Enable- and DisableEnhancedMonitoring take.
 */
record ShardLevelSet(boolean incomingBytes, boolean incomingRecords, boolean outgoingBytes,
    boolean outgoingRecords, boolean writeThrottled, boolean readThrottled, boolean iteratorAge) {

  static final ShardLevelSet NONE = new ShardLevelSet(false, false, false, false, false, false, false);

  static ShardLevelSet of(List<String> names) {
    if (names.isEmpty()) return NONE;
    return new ShardLevelSet(names.contains("IncomingBytes"), names.contains("IncomingRecords"),
        names.contains("OutgoingBytes"), names.contains("OutgoingRecords"),
        names.contains("WriteProvisionedThroughputExceeded"), names.contains("ReadProvisionedThroughputExceeded"),
        names.contains("IteratorAgeMilliseconds"));
  }

  boolean any() {
    return !equals(NONE);
  }
}
