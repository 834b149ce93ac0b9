package io.tributary.trigger;

import io.tributary.config.Settings;

/**
 * The server-wide settings of triggers ({@code triggers.*}).
 *
 * @param lambdaEndpoint base URL of a Lambda-compatible API, for triggers given only a FunctionName
 * @param invokeTimeoutMillis an invocation without an answer for this long is a function error
 * @param connections most connections to one target host
 * @param retryInitialMillis first wait before a batch is invoked again; doubles up to {@code retryMaxMillis}
 * @param pollMillis longest wait for new records when no tip notification arrives
 * @param scanMillis how often a trigger looks for new shards (splits, merges) and a missing stream
 */
record TriggerSettings(String lambdaEndpoint, long invokeTimeoutMillis, int connections, long retryInitialMillis,
    long retryMaxMillis, long pollMillis, long scanMillis) {

  static TriggerSettings from(Settings settings) {
    return new TriggerSettings(settings.string("triggers.lambda.endpoint"), settings.longValue("triggers.invoke.timeout.ms"),
        settings.integer("triggers.connections"), settings.longValue("triggers.retry.initial.ms"),
        settings.longValue("triggers.retry.max.ms"), settings.longValue("triggers.poll.ms"), settings.longValue("triggers.scan.ms"));
  }
}
