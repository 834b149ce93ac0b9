package io.tributary.trigger;

import io.tributary.stream.StreamKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One trigger (an event source mapping), with the members and bounds of AWS Lambda's
 * CreateEventSourceMapping, plus {@code TargetUrl}, where the batches are POSTed:
 *
 * @param uuid [UUID] given, or made at creation; a definition of {@code conf/triggers.json} without one gets
 *     a name-based UUID of its EventSourceArn and target, so it is the same on every start
 * @param eventSourceArn [EventSourceArn] a stream's ARN, or one of its consumers' ARNs (read as the stream)
 * @param functionName [FunctionName] a name or function ARN; optional when TargetUrl is given
 * @param targetUrl [TargetUrl] any http(s) URL, e.g. a Lambda invoke URL
 *     {@code http://host:port/2015-03-31/functions/<name>/invocations}; without it, the invoke URL of
 *     FunctionName under the setting {@code triggers.lambda.endpoint}
 * @param enabled [Enabled] default true
 * @param batchSize [BatchSize] 1-10,000, default 100
 * @param batchingWindowSeconds [MaximumBatchingWindowInSeconds] 0-300, default 0
 * @param startingPosition [StartingPosition] TRIM_HORIZON, LATEST or AT_TIMESTAMP (required)
 * @param startingTimestampMillis [StartingPositionTimestamp] epoch seconds (fraction allowed), with AT_TIMESTAMP
 * @param parallelizationFactor [ParallelizationFactor] 1-10, default 1
 * @param maximumRetryAttempts [MaximumRetryAttempts] -1 (until the record expires) to 10,000, default -1
 * @param maximumRecordAgeSeconds [MaximumRecordAgeInSeconds] -1 (no limit) or 60-604,800, default -1
 * @param bisectOnError [BisectBatchOnFunctionError] default false
 * @param reportBatchItemFailures [FunctionResponseTypes] contains {@code ReportBatchItemFailures}
 * @param tumblingWindowSeconds [TumblingWindowInSeconds] 0 (none) to 900
 * @param onFailureDestination [DestinationConfig.OnFailure.Destination] a stream ARN, {@code kafka://<topic>}
 *     (on the Kafka bridge's brokers), or null
 * @param lastModifiedMillis [LastModified] epoch seconds in JSON
 */
public record TriggerDefinition(String uuid, String eventSourceArn, String functionName, String targetUrl,
    boolean enabled, int batchSize, int batchingWindowSeconds, StartingPosition startingPosition,
    long startingTimestampMillis, int parallelizationFactor, int maximumRetryAttempts, int maximumRecordAgeSeconds,
    boolean bisectOnError, boolean reportBatchItemFailures, int tumblingWindowSeconds, String onFailureDestination,
    long lastModifiedMillis) {

  public enum StartingPosition { TRIM_HORIZON, LATEST, AT_TIMESTAMP }

  /** The payload limit of a synchronous Lambda invocation: 6 MiB. */
  static final int PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
  static final String REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures";

  private static final Pattern STREAM_ARN =
      Pattern.compile("arn:aws[^:]*:kinesis:([a-z0-9-]+):(\\d{12}):stream/([a-zA-Z0-9_.-]{1,128})(/consumer/[a-zA-Z0-9_.-]+:\\d+)?");
  /** A Kafka topic on the bridge's brokers, named as Lambda names Kafka destinations; Kafka's rule for topic names. */
  private static final Pattern KAFKA_DESTINATION = Pattern.compile("kafka://([A-Za-z0-9._-]{1,249})");
  private static final Pattern FUNCTION_ARN = Pattern.compile("arn:aws[^:]*:lambda:[a-z0-9-]+:\\d{12}:function:([a-zA-Z0-9-_]+)(:.+)?");
  private static final Pattern FUNCTION_NAME = Pattern.compile("[a-zA-Z0-9-_]{1,64}");
  private static final Pattern INVOKE_PATH = Pattern.compile(".*/2015-03-31/functions/([^/]+)/invocations");
  private static final List<String> UPDATABLE = List.of("FunctionName", "TargetUrl", "Enabled", "BatchSize",
      "MaximumBatchingWindowInSeconds", "ParallelizationFactor", "MaximumRetryAttempts", "MaximumRecordAgeInSeconds",
      "BisectBatchOnFunctionError", "FunctionResponseTypes", "TumblingWindowInSeconds", "DestinationConfig");

  /**
   * Reads and checks a CreateEventSourceMapping body; a bad one fails with {@link TriggerRequestException}
   * (ValidationException for a bound, InvalidParameterValueException for the rest), worded as Lambda words them.
   */
  public static TriggerDefinition fromJson(JsonObject json, long nowMillis) {
    String arn = string(json, "EventSourceArn");
    if (arn == null) throw TriggerRequestException.invalidParameter("EventSourceArn is required.");
    if (!STREAM_ARN.matcher(arn).matches()) {
      throw TriggerRequestException.invalidParameter("Unsupported EventSourceArn " + arn + ": only Kinesis stream and consumer ARNs are supported.");
    }
    String functionName = string(json, "FunctionName");
    String targetUrl = string(json, "TargetUrl");
    if (functionName == null && targetUrl == null) {
      throw TriggerRequestException.invalidParameter("FunctionName or TargetUrl is required.");
    }
    if (functionName != null && !FUNCTION_NAME.matcher(functionName).matches() && !FUNCTION_ARN.matcher(functionName).matches()) {
      throw TriggerRequestException.validation("functionName", functionName, "Member must satisfy regular expression pattern: "
          + FUNCTION_NAME.pattern() + " or a function ARN");
    }
    if (targetUrl != null) checkUrl(targetUrl);
    StartingPosition position = startingPosition(json);
    long timestamp = 0;
    if (position == StartingPosition.AT_TIMESTAMP) {
      Object value = json.getValue("StartingPositionTimestamp");
      if (!(value instanceof Number seconds)) {
        throw TriggerRequestException.invalidParameter("StartingPositionTimestamp must be provided with AT_TIMESTAMP.");
      }
      timestamp = Math.round(seconds.doubleValue() * 1000);
    }
    String uuid = string(json, "UUID");
    if (uuid == null) {
      uuid = UUID.nameUUIDFromBytes((arn + "\n" + functionName + "\n" + targetUrl).getBytes(StandardCharsets.UTF_8)).toString();
    } else {
      try {
        uuid = UUID.fromString(uuid).toString();
      } catch (IllegalArgumentException e) {
        throw TriggerRequestException.invalidParameter("UUID " + uuid + " is not a UUID.");
      }
    }
    TriggerDefinition defaults = new TriggerDefinition(uuid, arn, functionName, targetUrl, true, 100, 0, position,
        timestamp, 1, -1, -1, false, false, 0, null, nowMillis);
    return defaults.with(json, nowMillis);
  }

  /**
   * This definition with the members of an UpdateEventSourceMapping body changed (those absent stay); the
   * source and starting position cannot change, as in AWS.
   */
  public TriggerDefinition with(JsonObject json, long nowMillis) {
    String name = json.containsKey("FunctionName") ? string(json, "FunctionName") : functionName;
    String url = json.containsKey("TargetUrl") ? string(json, "TargetUrl") : targetUrl;
    if (url != null) checkUrl(url);
    if (name == null && url == null) throw TriggerRequestException.invalidParameter("FunctionName or TargetUrl is required.");
    int batch = bounded(json, "BatchSize", batchSize, 1, 10_000);
    int window = bounded(json, "MaximumBatchingWindowInSeconds", batchingWindowSeconds, 0, 300);
    int parallel = bounded(json, "ParallelizationFactor", parallelizationFactor, 1, 10);
    int retries = bounded(json, "MaximumRetryAttempts", maximumRetryAttempts, -1, 10_000);
    int age = bounded(json, "MaximumRecordAgeInSeconds", maximumRecordAgeSeconds, -1, 604_800);
    if (age != -1 && age < 60) {
      throw TriggerRequestException.invalidParameter("MaximumRecordAgeInSeconds must be -1 or between 60 and 604800.");
    }
    int tumbling = bounded(json, "TumblingWindowInSeconds", tumblingWindowSeconds, 0, 900);
    boolean report = reportBatchItemFailures;
    if (json.containsKey("FunctionResponseTypes")) {
      JsonArray types = json.getValue("FunctionResponseTypes") instanceof JsonArray array ? array : null;
      if (types == null) throw TriggerRequestException.invalidParameter("FunctionResponseTypes must be a list.");
      for (Object type : types) {
        if (!REPORT_BATCH_ITEM_FAILURES.equals(type)) {
          throw TriggerRequestException.validation("functionResponseTypes", String.valueOf(types.encode()),
              "Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]");
        }
      }
      report = !types.isEmpty();
    }
    String destination = onFailureDestination;
    if (json.containsKey("DestinationConfig")) destination = destination(json.getValue("DestinationConfig"));
    boolean on = json.containsKey("Enabled") ? bool(json, "Enabled") : enabled;
    boolean bisect = json.containsKey("BisectBatchOnFunctionError") ? bool(json, "BisectBatchOnFunctionError") : bisectOnError;
    return new TriggerDefinition(uuid, eventSourceArn, name, url, on, batch, window, startingPosition,
        startingTimestampMillis, parallel, retries, age, bisect, report, tumbling, destination, nowMillis);
  }

  /** Whether an update body changes only what an update may change. */
  static void checkUpdatable(JsonObject json) {
    for (String member : json.fieldNames()) {
      if (!UPDATABLE.contains(member) && !member.equals("UUID")) {
        throw TriggerRequestException.invalidParameter(member + " cannot be changed by an update.");
      }
    }
  }

  public TriggerDefinition withEnabled(boolean value, long nowMillis) {
    return new TriggerDefinition(uuid, eventSourceArn, functionName, targetUrl, value, batchSize, batchingWindowSeconds,
        startingPosition, startingTimestampMillis, parallelizationFactor, maximumRetryAttempts, maximumRecordAgeSeconds,
        bisectOnError, reportBatchItemFailures, tumblingWindowSeconds, onFailureDestination, nowMillis);
  }

  /** The stream the trigger reads. */
  public StreamKey stream() {
    Matcher matcher = STREAM_ARN.matcher(eventSourceArn);
    if (!matcher.matches()) throw new IllegalStateException("checked at creation");
    return new StreamKey(matcher.group(2), matcher.group(1), matcher.group(3));
  }

  /** The Kafka topic the failure destination names ({@code kafka://<topic>}), or null. */
  public String destinationTopic() {
    Matcher matcher = onFailureDestination == null ? null : KAFKA_DESTINATION.matcher(onFailureDestination);
    return matcher != null && matcher.matches() ? matcher.group(1) : null;
  }

  /** The stream the failure destination names, or null when there is none or it is a Kafka topic. */
  public StreamKey destinationStream() {
    if (onFailureDestination == null || destinationTopic() != null) return null;
    Matcher matcher = STREAM_ARN.matcher(onFailureDestination);
    if (!matcher.matches()) throw new IllegalStateException("checked at creation");
    return new StreamKey(matcher.group(2), matcher.group(1), matcher.group(3));
  }

  /** Where batches go: TargetUrl, else FunctionName's invoke URL under the Lambda endpoint; null when neither. */
  public String invokeUrl(String lambdaEndpoint) {
    if (targetUrl != null) return targetUrl;
    if (lambdaEndpoint == null || lambdaEndpoint.isEmpty()) return null;
    String base = lambdaEndpoint.endsWith("/") ? lambdaEndpoint.substring(0, lambdaEndpoint.length() - 1) : lambdaEndpoint;
    return base + "/2015-03-31/functions/" + functionName + "/invocations";
  }

  /** The function's ARN: from FunctionName, or from the name in a Lambda invoke URL; null for another URL. */
  public String functionArn() {
    StreamKey stream = stream();
    String name = functionName;
    if (name == null) {
      Matcher invoke = INVOKE_PATH.matcher(URI.create(targetUrl).getPath());
      if (!invoke.matches()) return null;
      name = invoke.group(1);
    }
    if (FUNCTION_ARN.matcher(name).matches()) return name;
    return "arn:aws:lambda:" + stream.region() + ":" + stream.account() + ":function:" + name;
  }

  /** The EventSourceMappingConfiguration members, as Lambda answers them. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("UUID", uuid)
        .put("EventSourceArn", eventSourceArn)
        .put("FunctionArn", functionArn())
        .put("FunctionName", functionName)
        .put("TargetUrl", targetUrl)
        .put("Enabled", enabled)
        .put("StartingPosition", startingPosition.name())
        .put("BatchSize", batchSize)
        .put("MaximumBatchingWindowInSeconds", batchingWindowSeconds)
        .put("ParallelizationFactor", parallelizationFactor)
        .put("MaximumRetryAttempts", maximumRetryAttempts)
        .put("MaximumRecordAgeInSeconds", maximumRecordAgeSeconds)
        .put("BisectBatchOnFunctionError", bisectOnError)
        .put("FunctionResponseTypes", reportBatchItemFailures ? new JsonArray().add(REPORT_BATCH_ITEM_FAILURES) : new JsonArray())
        .put("TumblingWindowInSeconds", tumblingWindowSeconds)
        .put("DestinationConfig", new JsonObject().put("OnFailure", onFailureDestination == null ? new JsonObject()
            : new JsonObject().put("Destination", onFailureDestination)))
        .put("LastModified", lastModifiedMillis / 1000.0);
    if (startingPosition == StartingPosition.AT_TIMESTAMP) json.put("StartingPositionTimestamp", startingTimestampMillis / 1000.0);
    return json;
  }

  private static StartingPosition startingPosition(JsonObject json) {
    Object value = json.getValue("StartingPosition");
    if (value == null) throw TriggerRequestException.invalidParameter("StartingPosition is required for a Kinesis event source.");
    try {
      return StartingPosition.valueOf(String.valueOf(value));
    } catch (IllegalArgumentException e) {
      throw TriggerRequestException.validation("startingPosition", String.valueOf(value),
          "Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_TIMESTAMP]");
    }
  }

  private static String destination(Object value) {
    if (!(value instanceof JsonObject config)) throw TriggerRequestException.invalidParameter("DestinationConfig must be an object.");
    Object onFailure = config.getValue("OnFailure");
    if (onFailure == null) return null;
    if (!(onFailure instanceof JsonObject failure)) throw TriggerRequestException.invalidParameter("OnFailure must be an object.");
    Object destination = failure.getValue("Destination");
    if (destination == null) return null;
    boolean stream = destination instanceof String arn && STREAM_ARN.matcher(arn).matches() && !arn.contains("/consumer/");
    if (!stream && !(destination instanceof String topic && KAFKA_DESTINATION.matcher(topic).matches())) {
      throw TriggerRequestException.invalidParameter("Unsupported OnFailure Destination " + destination
          + ": a Kinesis stream ARN or kafka://<topic> is supported.");
    }
    return (String) destination;
  }

  private static void checkUrl(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw TriggerRequestException.invalidParameter("TargetUrl " + url + " is not a URL.");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw TriggerRequestException.invalidParameter("TargetUrl " + url + " must be an http or https URL with a host.");
    }
  }

  private static String string(JsonObject json, String member) {
    Object value = json.getValue(member);
    if (value == null) return null;
    if (!(value instanceof String text) || text.isEmpty()) throw TriggerRequestException.invalidParameter(member + " must be a non-empty string.");
    return text;
  }

  private static boolean bool(JsonObject json, String member) {
    if (!(json.getValue(member) instanceof Boolean value)) throw TriggerRequestException.invalidParameter(member + " must be true or false.");
    return value;
  }

  /** A number within AWS's bounds, worded as Lambda's validation refuses it (the member in lower camel case). */
  private static int bounded(JsonObject json, String member, int fallback, int min, int max) {
    Object value = json.getValue(member);
    if (value == null) return fallback;
    String shape = Character.toLowerCase(member.charAt(0)) + member.substring(1);
    if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
      throw TriggerRequestException.invalidParameter(member + " must be an integer.");
    }
    long n = number.longValue();
    if (n < min) throw TriggerRequestException.validation(shape, String.valueOf(n), "Member must have value greater than or equal to " + min);
    if (n > max) throw TriggerRequestException.validation(shape, String.valueOf(n), "Member must have value less than or equal to " + max);
    return (int) n;
  }
}
