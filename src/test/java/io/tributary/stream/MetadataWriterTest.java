package io.tributary.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.DomainException;
import io.tributary.stream.StreamCatalog.Contents;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The metadata writer publishes a change only once the catalog holds it: a failed write (a full disk,
 * injected here) leaves readers seeing what they saw before, and a change that is refused fails alone.
 */
class MetadataWriterTest {
  private static final StreamKey ORDERS = new StreamKey("000000000000", "us-east-1", "orders");

  /** A catalog whose writes are completed by the test, as the disk would. */
  private static final class HeldCatalog implements StreamCatalog {
    final List<Promise<Void>> writes = new ArrayList<>();
    final List<Contents> written = new ArrayList<>();
    final List<Long> bases = new ArrayList<>();

    @Override
    public Future<Contents> load() {
      return Future.succeededFuture(Contents.EMPTY);
    }

    @Override
    public Future<Void> write(Contents contents, long baseVersion) {
      bases.add(baseVersion);
      return write(contents);
    }

    @Override
    public Future<Void> write(Contents contents) {
      Promise<Void> write = Promise.promise();
      writes.add(write);
      written.add(contents);
      return write.future();
    }
  }

  private final StreamRegistry registry = new StreamRegistry(500);
  private final HeldCatalog catalog = new HeldCatalog();
  private final MetadataWriter writer = new MetadataWriter(registry, new ChannelRegistry(), catalog);

  private static StreamDescriptor stream(StreamKey key, String uid) {
    return StreamDescriptor.builder(key, uid)
        .shards(List.of(ShardDescriptor.open(0, HashKeyRange.split(1).get(0), null, null, 1_000)))
        .tags(Map.of())
        .build();
  }

  @Test
  void aChangeIsSeenOnlyOnceItIsKept() {
    Future<Object> created = writer.commit(() -> {
      registry.add(stream(ORDERS, "aaaaaaaaaaaaaaaaaaaa"));
      return null;
    });
    assertNull(registry.find(ORDERS), "not visible while the write is under way");
    assertEquals(1, catalog.written.get(0).streams().size(), "the write carries the change");

    catalog.writes.get(0).complete();
    assertTrue(created.succeeded());
    assertEquals("aaaaaaaaaaaaaaaaaaaa", registry.find(ORDERS).uid());
  }

  @Test
  void aFailedWriteLeavesNothingChanged() {
    writer.commit(() -> {
      registry.add(stream(ORDERS, "aaaaaaaaaaaaaaaaaaaa"));
      return null;
    });
    catalog.writes.get(0).complete();

    Future<StreamDescriptor> tagged = writer.commit(() -> registry.update(ORDERS, "aaaaaaaaaaaaaaaaaaaa",
        s -> s.toBuilder().putTags(Map.of("team", "payments")).build()));
    catalog.writes.get(1).fail(new IOException("No space left on device"));

    assertTrue(tagged.failed());
    assertInstanceOf(MetadataNotKeptException.class, tagged.cause());
    assertEquals(Map.of(), registry.find(ORDERS).tags(), "the refused tag is not listed");

    // The next change starts from what is kept, not from the discarded one.
    Future<StreamDescriptor> retagged = writer.commit(() -> registry.update(ORDERS, "aaaaaaaaaaaaaaaaaaaa",
        s -> s.toBuilder().putTags(Map.of("owner", "ops")).build()));
    assertEquals(Map.of("owner", "ops"), catalog.written.get(2).streams().get(0).tags());
    catalog.writes.get(2).complete();
    assertEquals(Map.of("owner", "ops"), retagged.result().tags());
    assertEquals(Map.of("owner", "ops"), registry.find(ORDERS).tags());
  }

  @Test
  void changesWaitingForAWriteShareTheNextAndARefusedOneFailsAlone() {
    writer.commit(() -> {
      registry.add(stream(ORDERS, "aaaaaaaaaaaaaaaaaaaa"));
      return null;
    });
    StreamKey audit = new StreamKey("000000000000", "us-east-1", "audit");
    Future<Object> second = writer.commit(() -> {
      registry.add(stream(audit, "bbbbbbbbbbbbbbbbbbbb"));
      return null;
    });
    Future<Object> duplicate = writer.commit(() -> {
      registry.add(stream(ORDERS, "cccccccccccccccccccc"));
      return null;
    });
    assertEquals(1, catalog.writes.size(), "the later changes wait for the first write");
    catalog.writes.get(0).complete();

    assertEquals(2, catalog.writes.size(), "one write for both waiting changes");
    assertTrue(duplicate.failed());
    assertInstanceOf(DomainException.class, duplicate.cause());
    assertEquals(List.of("audit", "orders"),
        catalog.written.get(1).streams().stream().map(StreamDescriptor::name).toList());
    catalog.writes.get(1).complete();
    assertTrue(second.succeeded());
    assertEquals("aaaaaaaaaaaaaaaaaaaa", registry.find(ORDERS).uid(), "the refused duplicate left no trace");
  }

  @Test
  void aWriteAnotherWriterBeatIsAppliedAgainToWhatTheCatalogHolds() {
    StreamKey audit = new StreamKey("000000000000", "us-east-1", "audit");
    Future<Object> duplicate = writer.commit(() -> {
      registry.add(stream(ORDERS, "aaaaaaaaaaaaaaaaaaaa"));
      return null;
    });
    Future<Object> other = writer.commit(() -> {
      registry.add(stream(audit, "cccccccccccccccccccc"));
      return null;
    });
    assertEquals(List.of(0L), catalog.bases);
    Contents elsewhere = new Contents(List.of(stream(ORDERS, "bbbbbbbbbbbbbbbbbbbb")), List.of(), List.of());
    catalog.writes.get(0).fail(new CatalogConflictException(elsewhere, 1));

    assertTrue(duplicate.failed(), "applied again, the create finds the stream the other writer made");
    assertInstanceOf(DomainException.class, duplicate.cause());
    assertEquals(DomainException.Kind.IN_USE, ((DomainException) duplicate.cause()).kind());
    assertEquals("bbbbbbbbbbbbbbbbbbbb", registry.find(ORDERS).uid(), "readers see what the catalog holds");
    assertEquals(1, writer.version());
    assertEquals(List.of(0L, 1L), catalog.bases, "the change still to keep is written on the new version");
    assertEquals(List.of("audit", "orders"),
        catalog.written.get(1).streams().stream().map(StreamDescriptor::name).toList());
    catalog.writes.get(1).complete();
    assertTrue(other.succeeded());
    assertEquals(2, writer.version());
  }

  @Test
  void contentsKeptElsewhereAreInstalledAfterTheWriteUnderWay() {
    Future<Object> created = writer.commit(() -> {
      registry.add(stream(ORDERS, "aaaaaaaaaaaaaaaaaaaa"));
      return null;
    });
    StreamKey audit = new StreamKey("000000000000", "us-east-1", "audit");
    writer.install(new Contents(List.of(stream(audit, "bbbbbbbbbbbbbbbbbbbb")), List.of(), List.of()), 1);
    assertNull(registry.find(audit), "not while a write is under way");
    catalog.writes.get(0).complete();
    assertTrue(created.succeeded());
    assertEquals("aaaaaaaaaaaaaaaaaaaa", registry.find(ORDERS).uid(), "version 1 is this writer's own");
    assertNull(registry.find(audit), "an install of a version already seen is ignored");

    writer.install(new Contents(List.of(stream(audit, "bbbbbbbbbbbbbbbbbbbb")), List.of(), List.of()), 2);
    assertNull(registry.find(ORDERS), "what another writer kept replaces everything");
    assertEquals("bbbbbbbbbbbbbbbbbbbb", registry.find(audit).uid());
    assertEquals(2, writer.version());
  }

  @Test
  void aConflictThatNamesNoNewerVersionFailsTheChangesInsteadOfRetryingForever() {
    Future<Object> created = writer.commit(() -> {
      registry.add(stream(ORDERS, "aaaaaaaaaaaaaaaaaaaa"));
      return null;
    });
    catalog.writes.get(0).fail(new CatalogConflictException(Contents.EMPTY, 0));

    assertTrue(created.failed());
    assertInstanceOf(MetadataNotKeptException.class, created.cause());
    assertEquals(1, catalog.writes.size(), "not written again");
    assertNull(registry.find(ORDERS));
    assertEquals(0, writer.version());
  }
}
