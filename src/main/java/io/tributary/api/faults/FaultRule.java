package io.tributary.api.faults;

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
  /** The longest latency a rule may add, ms: a longer one would hold calls past any client's timeout. */
  public static final long MAX_LATENCY_MILLIS = 60_000;

  public FaultRule {
    if (!ANY.equals(operation) && Operation.named(operation) == null) {
      throw new IllegalArgumentException("unknown operation '" + operation + "'");
    }
    if (stream == null || stream.isEmpty()) throw new IllegalArgumentException("a rule names a stream or *");
    if (kind == null) {
      throw new IllegalArgumentException("fault must be ProvisionedThroughputExceeded, InternalFailure or latency");
    }
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be a number from 0 to 1, not " + probability);
    }
    if (latencyMillis < 0 || latencyMillis > MAX_LATENCY_MILLIS) {
      throw new IllegalArgumentException("latencyMs must be a whole number from 0 to " + MAX_LATENCY_MILLIS + ", not "
          + latencyMillis);
    }
    if ((kind == FaultKind.LATENCY) != (latencyMillis > 0)) {
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
        rules.add(new FaultRule(parts[0], parts[1], FaultKind.named(parts[2]), probability(parts[3]),
            parts.length == 5 ? latencyMillis(parts[4]) : 0));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("setting 'faults': rule '" + text + "': " + e.getMessage(), e);
      }
    }
    return rules;
  }

  private static double probability(String text) {
    try {
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("probability must be a number from 0 to 1, not '" + text + "'");
    }
  }

  private static long latencyMillis(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("latencyMs must be a whole number from 0 to " + MAX_LATENCY_MILLIS
          + ", not '" + text + "'");
    }
  }

  public static FaultRule fromJson(JsonObject json) {
    if (json == null) throw new IllegalArgumentException("a rule must be a JSON object, not null");
    try {
      return new FaultRule(json.getString("operation", ANY), json.getString("stream", ANY),
          FaultKind.named(json.getString("fault")), probability(json.getValue("probability")),
          latencyMillis(json.getValue("latencyMs")));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("rule members have the wrong type: " + json.encode());
    }
  }

  private static double probability(Object member) {
    if (member == null) return 1.0;
    if (member instanceof Number number) return number.doubleValue();
    throw new IllegalArgumentException("probability must be a number from 0 to 1, not " + quoted(member));
  }

  /** A JSON number that is a whole number of milliseconds in range; anything else is refused, not rounded. */
  private static long latencyMillis(Object member) {
    if (member == null) return 0;
    if (member instanceof Number number) {
      double value = number.doubleValue();
      if (value == Math.rint(value) && value >= 0 && value <= MAX_LATENCY_MILLIS) return (long) value;
    }
    throw new IllegalArgumentException("latencyMs must be a whole number from 0 to " + MAX_LATENCY_MILLIS
        + ", not " + quoted(member));
  }

  private static String quoted(Object member) {
    return member instanceof String text ? "'" + text + "'" : String.valueOf(member);
  }

  public JsonObject toJson() {
    return new JsonObject().put("operation", operation).put("stream", stream).put("fault", kind.ruleName())
        .put("probability", probability).put("latencyMs", latencyMillis);
  }
}
