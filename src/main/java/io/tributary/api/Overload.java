package io.tributary.api;


/**
 * The answer to a call the server has no room for now (a memory budget or the decode queue is full): the
 * throttling error its operation reports, which every SDK retries with backoff.
 * ProvisionedThroughputExceededException for the data-plane calls on a shard, LimitExceededException for
 * the others, as AWS's API model lists them.
 */
final class Overload {
  private Overload() { }

  static KinesisException error(Operation operation, String account) {
    String message = Throttling.callRateExceeded(null, account);
    if (operation == null) return KinesisException.limitExceeded(message);
    return switch (operation) {
      case PUT_RECORD, PUT_RECORDS, GET_RECORDS, GET_SHARD_ITERATOR -> KinesisException.client(Throttling.ERROR, message);
      default -> KinesisException.limitExceeded(message);
    };
  }
}
