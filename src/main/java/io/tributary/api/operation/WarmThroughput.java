package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.api.KinesisException;
import io.tributary.api.wire.ResponseWriter;
import io.tributary.stream.StreamKey;
import io.tributary.stream.StreamMode;

/**
 * Warm throughput, which only on-demand streams have, and only in accounts with a minimum throughput
 * billing commitment: the rules CreateStream, UpdateStreamMode and UpdateStreamWarmThroughput share, and
 * how it is answered. AWS's wording for these failures is not known; the messages are written in its style,
 * the capacity-mode refusal like the one resharding gives an on-demand stream.
 */
final class WarmThroughput {
  /** AWS: "Scale to more than 10 GiBps for an on-demand stream" is beyond the default limits. */
  static final int MAX_MIBPS = 10240;

  private WarmThroughput() { }

  /** Fails unless a stream of that mode may be asked for that warm throughput. */
  static void check(StreamRegistry registry, Clock clock, StreamKey stream, StreamMode mode, int mibps) {
    if (mode != StreamMode.ON_DEMAND) {
      throw KinesisException.client("ValidationException", "Warm throughput is not supported for stream "
          + stream.name() + " under account " + stream.account() + " because it is in " + mode + " capacity mode.");
    }
    long now = clock.millis();
    if (!registry.accountSettings(stream.account(), stream.region()).commitment().enabled(now)) {
      throw KinesisException.invalidArgument("Warm throughput requires MinimumThroughputBillingCommitment to be "
          + "enabled for the account " + stream.account() + " in " + stream.region() + ".");
    }
    if (mibps > MAX_MIBPS) {
      throw KinesisException.limitExceeded("Requested warm throughput of " + mibps + " MiBps for stream "
          + stream.name() + " under account " + stream.account() + " exceeds the limit of " + MAX_MIBPS + " MiBps.");
    }
  }

  static void write(ResponseWriter writer, Integer targetMiBps, Integer currentMiBps) {
    writer.startObject("WarmThroughput")
        .field("TargetMiBps", targetMiBps)
        .field("CurrentMiBps", currentMiBps)
        .endObject();
  }
}
