package io.tributary.shard;

import java.util.List;

/**
 * A page of records read from a shard, with where the shard's log stood when it was read.
 *
 * @param nextOffset where the next read continues: after the last record, or where the read started
 * @param endOffset the offset the next appended record gets
 * @param nextArrivalMillis arrival of the record at {@code nextOffset}, or -1 when the page reached the end
 */
public record ShardPage(List<ShardRecord> records, long nextOffset, long endOffset, long nextArrivalMillis) {
}
