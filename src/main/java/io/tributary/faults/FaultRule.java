package io.tributary.faults;

import io.tributary.api.Operation;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One fault to inject: calls of an operation (or {@code *}) on a stream (or {@code *}) fail or slow down
 * with a probability. In settings a rule is {@code operation:stream:kind:probability[:latencyMs]}, rules
 * separated by commas; on the management port it is
 * {@code {"operation", "stream", "fault", "probability", "latencyMs"}}.
 */
public record FaultRule(String operation, String stream, FaultKind kind, double probability, long latencyMillis) {
  public static final String ANY = "*";

  public FaultRule {
    if (!ANY.equals(operation) && Operation.named(operation) == null) {
      throw new IllegalArgumentException("unknown operation '" + operation + "'");
    }
    if (stream == null || stream.isEmpty()) throw new IllegalArgumentException("a rule names a stream or *");
    if (kind == null) {
      throw new IllegalArgumentException("fault must be ProvisionedThroughputExceeded, InternalFailure or latency");
    }
    if (!(probability >= 0 && probability <= 1)) throw new IllegalArgumentException("probability must be in [0, 1]");
    if (latencyMillis < 0 || (kind == FaultKind.LATENCY) != (latencyMillis > 0)) {
      throw new IllegalArgumentException("latencyMs must be positive for a latency rule, and only for it");
    }
  }

  boolean matches(Operation called, String calledStream) {
    return (ANY.equals(operation) || operation.equals(called.wireName()))
        && (ANY.equals(stream) || stream.equals(calledStream));
  }

  /** Parses the {@code faults} setting; empty means no rule. */
  public static List<FaultRule> parseSetting(String setting) {
    List<FaultRule> rules = new ArrayList<>();
    for (String text : setting.split(",")) {
      if (text.isBlank()) continue;
      String[] parts = text.trim().split(":");
      if (parts.length < 4 || parts.length > 5) {
        throw new IllegalArgumentException("setting 'faults' takes operation:stream:kind:probability[:latencyMs], not '"
            + text + "'");
      }
      try {
        rules.add(new FaultRule(parts[0], parts[1], FaultKind.named(parts[2]), Double.parseDouble(parts[3]),
            parts.length == 5 ? Long.parseLong(parts[4]) : 0));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("setting 'faults': rule '" + text + "': " + e.getMessage(), e);
      }
    }
    return rules;
  }

  public static FaultRule fromJson(JsonObject json) {
    try {
      return new FaultRule(json.getString("operation", ANY), json.getString("stream", ANY),
          FaultKind.named(json.getString("fault")), json.getDouble("probability", 1.0), json.getLong("latencyMs", 0L));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("rule members have the wrong type: " + json.encode());
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("operation", operation).put("stream", stream).put("fault", kind.ruleName())
        .put("probability", probability).put("latencyMs", latencyMillis);
  }
}
