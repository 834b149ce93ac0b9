package io.tributary.stream;

import io.tributary.stream.StreamCatalog;
import io.vertx.core.Future;
import java.io.IOException;
import java.util.Random;

/**
 * A catalog whose writes fail, with a probability, before they reach the disk, as a full disk would make
 * them fail ({@code faults.catalog.write.failure}): for testing that a control-plane call that could not be
 * kept changes nothing, and that changes already under way are finished once writes succeed again.
 */
public final class CatalogWriteFaults implements StreamCatalog {
  private final StreamCatalog catalog;
  private final double probability;
  private final Random random;

  public CatalogWriteFaults(StreamCatalog catalog, double probability, Long seed) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("setting 'faults.catalog.write.failure' must be a probability from 0 to 1, not "
          + probability);
    }
    this.catalog = catalog;
    this.probability = probability;
    this.random = seed == null ? new Random() : new Random(seed);
  }

  @Override
  public Future<Contents> load() {
    return catalog.load();
  }

  @Override
  public Future<Void> write(Contents contents) {
    return failsNow() ? injectedFailure() : catalog.write(contents);
  }

  @Override
  public Future<Void> write(Contents contents, long baseVersion) {
    return failsNow() ? injectedFailure() : catalog.write(contents, baseVersion);
  }

  private boolean failsNow() {
    synchronized (random) {
      return random.nextDouble() < probability;
    }
  }

  private static Future<Void> injectedFailure() {
    return Future.failedFuture(new IOException("No space left on device (injected catalog write failure)"));
  }
}
