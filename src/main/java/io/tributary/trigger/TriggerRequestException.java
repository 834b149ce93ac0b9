package io.tributary.trigger;

/**
 * A management request about triggers refused, with the HTTP status and the error type Lambda's API answers
 * (ValidationException, InvalidParameterValueException, ResourceNotFoundException, ResourceConflictException).
 */
final class TriggerRequestException extends RuntimeException {
  private final int status;
  private final String type;

  TriggerRequestException(int status, String type, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
  }

  static TriggerRequestException invalidParameter(String message) {
    return new TriggerRequestException(400, "InvalidParameterValueException", message);
  }

  /** A bound of the API model broken, as Lambda words it. */
  static TriggerRequestException validation(String member, String value, String constraint) {
    return new TriggerRequestException(400, "ValidationException",
        "1 validation error detected: Value '" + value + "' at '" + member + "' failed to satisfy constraint: " + constraint);
  }

  static TriggerRequestException notFound(String uuid) {
    return new TriggerRequestException(404, "ResourceNotFoundException", "The resource you requested does not exist. (Service: Lambda, UUID: " + uuid + ")");
  }

  static TriggerRequestException conflict(String message) {
    return new TriggerRequestException(409, "ResourceConflictException", message);
  }

  int status() { return status; }

  String type() { return type; }
}
