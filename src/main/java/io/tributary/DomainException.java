package io.tributary;

/**
 * A refusal raised below the API layer (streams, shards, metadata) for a reason of the domain, with the
 * message the client is to read. The API layer maps each {@link Kind} to its Kinesis error type; lower
 * layers never name wire errors themselves.
 */
public final class DomainException extends RuntimeException {

  /** Why the call was refused. */
  public enum Kind {
    /** The stream, consumer, shard or channel does not exist (or no longer). */
    NOT_FOUND,
    /** The resource exists but is in a state that does not allow the change, or the name is taken. */
    IN_USE,
    /** An account or stream limit would be exceeded. */
    LIMIT_EXCEEDED,
    /** The request is well formed but names something that cannot be done. */
    INVALID_ARGUMENT
  }

  private final Kind kind;

  public DomainException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() { return kind; }

  public static DomainException notFound(String message) {
    return new DomainException(Kind.NOT_FOUND, message);
  }

  public static DomainException inUse(String message) {
    return new DomainException(Kind.IN_USE, message);
  }

  public static DomainException limitExceeded(String message) {
    return new DomainException(Kind.LIMIT_EXCEEDED, message);
  }

  public static DomainException invalidArgument(String message) {
    return new DomainException(Kind.INVALID_ARGUMENT, message);
  }

  public static DomainException streamNotFound(String streamName, String account) {
    return notFound("Stream " + streamName + " under account " + account + " not found.");
  }

  /** A channel is named by its ARN, which ends in its id. */
  public static DomainException channelNotFound(String channelId, String account) {
    return notFound("Channel " + channelId + " under account " + account + " not found.");
  }
}
