package io.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tributary.embedded.EmbeddedTributary;
import io.tributary.junit.TributaryExtension;
import io.tributary.support.PrometheusScrape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.MetricsName;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * The Grafana dashboard and the Prometheus alert rules in {@code k8s/} name only metrics that a live server
 * exports: every metric in every query is in its /metrics after traffic of every kind.
 */
class MonitoringManifestsTest {
  private static final Path K8S = Path.of("k8s");
  /** Metric names in a PromQL expression: this server's families and the JVM's. */
  private static final Pattern METRIC = Pattern.compile("\\b(?:kinesis|tributary|jvm|process)_[a-z0-9_]+\\b");

  @RegisterExtension
  static final TributaryExtension KINESIS = new TributaryExtension(EmbeddedTributary.builder().temporaryDirectory());

  @Test
  void everyMetricTheDashboardAndTheAlertsNameExists(KinesisClient kinesis, KinesisAsyncClient async, EmbeddedTributary server)
      throws Exception {
    List<String> dashboardQueries = dashboardQueries();
    List<String> alertQueries = alertQueries();
    assertTrue(dashboardQueries.size() >= 20, "the dashboard's queries: " + dashboardQueries.size());
    assertTrue(alertQueries.size() >= 3, "the alert rules: " + alertQueries.size());
    Set<String> named = new TreeSet<>();
    for (String query : dashboardQueries) named.addAll(metricsIn(query));
    for (String query : alertQueries) named.addAll(metricsIn(query));
    for (String required : List.of("kinesis_get_records_iterator_age_milliseconds",
        "kinesis_write_provisioned_throughput_exceeded_total", "tributary_storage_fsync_seconds_bucket")) {
      assertTrue(named.contains(required), "iterator age, throttling and fsync latency are watched: " + required);
    }

    driveEveryKindOfTraffic(kinesis, async);
    PrometheusScrape metrics = PrometheusScrape.of(server.managementEndpoint());
    List<String> missing = new ArrayList<>();
    for (String name : named) {
      if (metrics.samples().stream().noneMatch(sample -> sample.name().equals(name))) missing.add(name);
    }
    assertEquals(List.of(), missing, "named in k8s/ but not in /metrics");
  }

  private static void driveEveryKindOfTraffic(KinesisClient kinesis, KinesisAsyncClient async) throws Exception {
    kinesis.createStream(b -> b.streamName("watched").shardCount(1));
    kinesis.enableEnhancedMonitoring(b -> b.streamName("watched").shardLevelMetrics(MetricsName.ALL));
    kinesis.putRecord(b -> b.streamName("watched").partitionKey("a").data(SdkBytes.fromString("one", StandardCharsets.UTF_8)));
    kinesis.putRecords(b -> b.streamName("watched").records(PutRecordsRequestEntry.builder().partitionKey("b")
        .data(SdkBytes.fromString("two", StandardCharsets.UTF_8)).build()));
    String iterator = kinesis.getShardIterator(b -> b.streamName("watched").shardId("shardId-000000000000")
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    kinesis.getRecords(b -> b.shardIterator(iterator));
    String streamArn = kinesis.describeStreamSummary(b -> b.streamName("watched")).streamDescriptionSummary().streamARN();
    String consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("dashboard"))
        .consumer().consumerARN();
    CompletableFuture<Void> firstEvent = new CompletableFuture<>();
    CompletableFuture<Void> subscription = async.subscribeToShard(b -> b.consumerARN(consumerArn)
            .shardId("shardId-000000000000").startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)),
        SubscribeToShardResponseHandler.builder().subscriber(SubscribeToShardResponseHandler.Visitor.builder()
            .onSubscribeToShardEvent(event -> firstEvent.complete(null)).build()).build());
    firstEvent.get(10, java.util.concurrent.TimeUnit.SECONDS);
    subscription.cancel(true);
    // The event-loop meters take their first measurement within a second of the start.
    PrometheusScrape.await(KINESIS.server().managementEndpoint(), "tributary_event_loop_delay_seconds_count", Map.of(),
        count -> count > 0, Duration.ofSeconds(10));
  }

  private static List<String> dashboardQueries() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(K8S.resolve("grafana-dashboard.json").toFile());
    assertEquals("Tributary", dashboard.path("title").asText());
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) queries.add(target.path("expr").asText());
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) queries.add(variable.path("query").asText());
    return queries;
  }

  private static List<String> alertQueries() throws IOException {
    JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(K8S.resolve("prometheus-rules.yaml").toFile());
    List<String> queries = new ArrayList<>();
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        assertFalse(rule.path("alert").asText().isEmpty(), "every rule is an alert with a name");
        queries.add(rule.path("expr").asText());
      }
    }
    return queries;
  }

  private static Set<String> metricsIn(String query) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(query);
    while (matcher.find()) names.add(matcher.group());
    return names;
  }
}
