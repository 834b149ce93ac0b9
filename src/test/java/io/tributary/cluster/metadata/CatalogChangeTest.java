package io.tributary.cluster.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.stream.AccountSettings;
import io.tributary.stream.BillingCommitment;
import io.tributary.stream.ChannelRegistry;
import io.tributary.stream.MetadataChanges;
import io.tributary.stream.MetadataWriter;
import io.tributary.stream.StreamCatalog;
import io.tributary.stream.StreamCatalog.Contents;
import io.tributary.stream.StreamCatalogFile;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.tributary.stream.StreamRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A write's change carries only what it changed, and rebuilds the next catalog from the one before. */
class CatalogChangeTest {
  private final StreamRegistry registry = new StreamRegistry(500);
  private final ChannelRegistry channels = new ChannelRegistry();
  private final MetadataWriter writer = new MetadataWriter(registry, channels, StreamCatalog.NONE);

  @Test
  void carriesWhatChangedAndRebuildsTheNextCatalog() {
    for (String name : List.of("orders", "audit", "clicks")) {
      writer.commit(MetadataChanges.createStream(registry, key(name), (name + "xxxxxxxxxxxxxxxxxxxx").substring(0, 20), 1));
    }
    Contents before = contents();
    StreamDescriptor audit = registry.find(key("audit"));
    StreamDescriptor clicks = registry.find(key("clicks"));
    writer.commit(() -> {
      MetadataChanges.tag(registry, audit.key(), audit.uid(), Map.of("team", "payments")).get();
      MetadataChanges.remove(registry, clicks.key(), clicks.uid()).get();
      MetadataChanges.createStream(registry, key("logs"), "logsxxxxxxxxxxxxxxxx", 2).get();
      registry.updateAccountSettings("000000000000", "us-east-1", settings -> settings.withCommitment(
          new BillingCommitment(1_000L, 2_000L, null)));
      return null;
    });
    Contents after = contents();

    CatalogChange change = CatalogChange.between(before, after);
    assertEquals(List.of("audit", "logs"), change.put().streams().stream().map(StreamDescriptor::name).toList(),
        "the unchanged stream is not carried");
    assertEquals(List.of(key("clicks")), change.removedStreams());
    assertEquals(1, change.put().accounts().size());

    CatalogChange sent = CatalogChange.fromJson(change.toJson());
    assertEquals(StreamCatalogFile.contentsToJson(after), StreamCatalogFile.contentsToJson(sent.applyTo(before)));
    assertEquals(List.of(), CatalogChange.between(after, after).put().streams(), "no change, nothing carried");
  }

  private Contents contents() {
    return new Contents(registry.all(), channels.all(), registry.allAccountSettings());
  }

  private static StreamKey key(String name) {
    return new StreamKey("000000000000", "us-east-1", name);
  }
}
