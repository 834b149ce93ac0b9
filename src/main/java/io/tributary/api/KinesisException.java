package io.tributary.api;

import io.tributary.DomainException;

/**
 * A Kinesis error as the client sees it: the error type ({@code __type}), its message and the HTTP status.
 * Handlers fail with this one exception type; {@link KinesisHttpHandler} alone turns it into a response.
 */
public final class KinesisException extends RuntimeException {

  /** How the message is keyed in the body: type-check errors use {@code Message}, all others {@code message}. */
  public enum MessageKey { LOWER, CAPITAL, NONE }

  private final String type;
  private final int status;
  private final MessageKey messageKey;

  public KinesisException(String type, String message, int status, MessageKey messageKey) {
    super(message, null, false, false);
    this.type = type;
    this.status = status;
    this.messageKey = messageKey;
  }

  public String type() { return type; }

  public int status() { return status; }

  public MessageKey messageKey() { return messageKey; }

  public static KinesisException client(String type, String message) {
    return new KinesisException(type, message, 400, MessageKey.LOWER);
  }

  public static KinesisException resourceNotFound(String message) {
    return client("ResourceNotFoundException", message);
  }

  public static KinesisException resourceInUse(String message) {
    return client("ResourceInUseException", message);
  }

  public static KinesisException invalidArgument(String message) {
    return client("InvalidArgumentException", message);
  }

  public static KinesisException limitExceeded(String message) {
    return client("LimitExceededException", message);
  }

  public static KinesisException serialization(String message) {
    return new KinesisException("SerializationException", message, 400, MessageKey.CAPITAL);
  }

  public static KinesisException bare(String type) {
    return new KinesisException(type, null, 400, MessageKey.NONE);
  }

  public static KinesisException internalFailure() {
    return new KinesisException("InternalFailure", null, 500, MessageKey.NONE);
  }

  /** The Kinesis error of a refusal raised below the API layer. */
  public static KinesisException from(DomainException refusal) {
    String type = switch (refusal.kind()) {
      case NOT_FOUND -> "ResourceNotFoundException";
      case IN_USE -> "ResourceInUseException";
      case LIMIT_EXCEEDED -> "LimitExceededException";
      case INVALID_ARGUMENT -> "InvalidArgumentException";
    };
    return client(type, refusal.getMessage());
  }

  public static KinesisException streamNotFound(String streamName, String account) {
    return resourceNotFound("Stream " + streamName + " under account " + account + " not found.");
  }

  /** A channel is named by its ARN, which ends in its id. */
  public static KinesisException channelNotFound(String channelId, String account) {
    return resourceNotFound("Channel " + channelId + " under account " + account + " not found.");
  }
}
