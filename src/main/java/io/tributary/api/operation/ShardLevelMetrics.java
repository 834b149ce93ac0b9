package io.tributary.api.operation;

import io.tributary.stream.StreamLifecycle;
import io.tributary.stream.StreamRegistry;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Constraint;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.ResponseWriter;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The shard-level metrics of enhanced monitoring, as Enable- and DisableEnhancedMonitoring take them. */
final class ShardLevelMetrics {
  private static final String ALL = "ALL";
  /** The MetricsName enum, in the model's order, as validation messages list it. */
  private static final List<String> NAMES = List.of("IncomingBytes", "IncomingRecords", "OutgoingBytes",
      "OutgoingRecords", "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded",
      "IteratorAgeMilliseconds", ALL);
  /** Every metric in the order AWS's answers list them (its examples for ALL show this order). */
  private static final List<String> IN_AWS_ORDER = List.of("IncomingBytes", "OutgoingRecords",
      "IteratorAgeMilliseconds", "IncomingRecords", "ReadProvisionedThroughputExceeded",
      "WriteProvisionedThroughputExceeded", "OutgoingBytes");

  private ShardLevelMetrics() { }

  static Member member() {
    return Member.listOf("ShardLevelMetrics", Member.string("ShardLevelMetrics"))
        .notNull().length(1, 7).rule(Constraint.eachOneOf(NAMES));
  }

  /** The metrics a request names, ALL standing for every one. */
  static Set<String> named(List<String> requested) {
    if (requested.contains(ALL)) return Set.copyOf(IN_AWS_ORDER);
    Set<String> named = new HashSet<>(requested);
    named.remove(null);
    return named;
  }

  static List<String> inAwsOrder(Collection<String> metrics) {
    return IN_AWS_ORDER.stream().filter(metrics::contains).toList();
  }

  static void write(ResponseWriter writer, String name, List<String> metrics) {
    writer.startArray(name);
    for (String metric : metrics) writer.string(metric);
    writer.endArray();
  }

  /**
   * Switches the named metrics on or off on the request's stream, in effect at once, and answers with the
   * metrics on before and after: the whole of Enable- and DisableEnhancedMonitoring.
   */
  static Future<Response> change(StreamRegistry registry, StreamLifecycle lifecycle, RequestContext context, Input input, boolean enable) {
    StreamDescriptor stream = StreamMembers.requireActive(StreamMembers.find(registry, context, input));
    Set<String> named = named(input.strings("ShardLevelMetrics"));
    List<String> current = stream.shardLevelMetrics();
    Set<String> desired = new HashSet<>(current);
    if (enable) desired.addAll(named); else desired.removeAll(named);
    List<String> after = inAwsOrder(desired);
    return lifecycle.update(stream, b -> b.shardLevelMetrics(after)).map(updated -> writer -> {
      writer.field("StreamName", stream.name());
      write(writer, "CurrentShardLevelMetrics", current);
      write(writer, "DesiredShardLevelMetrics", after);
      writer.field("StreamARN", stream.arn());
    });
  }
}
