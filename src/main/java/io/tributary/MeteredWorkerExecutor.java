package io.tributary;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A named Vert.x worker pool that counts its own work, since Vert.x's metrics SPI is not enabled: a task is
 * queued from submission until a thread takes it, then active until it returns. Published as
 * {@code tributary_worker_pool_size}, {@code _active}, {@code _queued} and {@code _completed_total}, each
 * tagged {@code pool=<name>}.
 */
public final class MeteredWorkerExecutor implements WorkerExecutor {
  private final String name;
  private final int size;
  private final WorkerExecutor delegate;
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger active = new AtomicInteger();
  private final LongAdder completed = new LongAdder();

  public MeteredWorkerExecutor(String name, int size, WorkerExecutor delegate) {
    this.name = name;
    this.size = size;
    this.delegate = delegate;
  }

  public String name() { return name; }

  public int size() { return size; }

  public int queued() { return queued.get(); }

  public int active() { return active.get(); }

  public long completed() { return completed.sum(); }

  public void bindTo(MeterRegistry meters) {
    Gauge.builder("tributary.worker.pool.size", this, MeteredWorkerExecutor::size).tag("pool", name)
        .description("Threads of the worker pool").register(meters);
    Gauge.builder("tributary.worker.pool.active", this, MeteredWorkerExecutor::active).tag("pool", name)
        .description("Tasks running on the worker pool").register(meters);
    Gauge.builder("tributary.worker.pool.queued", this, MeteredWorkerExecutor::queued).tag("pool", name)
        .description("Tasks waiting for a thread of the worker pool").register(meters);
    FunctionCounter.builder("tributary.worker.pool.completed", completed, LongAdder::sum).tag("pool", name)
        .description("Tasks the worker pool has finished").register(meters);
  }

  @Override
  public <T> Future<T> executeBlocking(Callable<T> work, boolean ordered) {
    AtomicBoolean started = new AtomicBoolean();
    queued.incrementAndGet();
    try {
      return delegate.<T>executeBlocking(() -> {
        started.set(true);
        queued.decrementAndGet();
        active.incrementAndGet();
        try {
          return work.call();
        } finally {
          // Counted complete before it stops being active, so an idle pool has counted all it ran.
          completed.increment();
          active.decrementAndGet();
        }
      }, ordered).onComplete(done -> {
        // A task the pool refused (closed at shutdown) never ran.
        if (started.compareAndSet(false, true)) queued.decrementAndGet();
      });
    } catch (RuntimeException e) {
      if (started.compareAndSet(false, true)) queued.decrementAndGet();
      throw e;
    }
  }

  @Override
  public Future<Void> close() {
    return delegate.close();
  }
}
