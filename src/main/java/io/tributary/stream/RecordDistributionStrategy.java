package io.tributary.stream;

/**
 * How a stream places records on its shards: by the producer's partition key (the default), or, for
 * on-demand streams, spread evenly by the service with any partition key and ExplicitHashKey ignored.
 */
public enum RecordDistributionStrategy { AUTO, USER_PARTITION_KEY }
