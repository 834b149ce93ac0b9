package io.tributary;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the server can still serve: no fatal error (an {@link Error} such as OutOfMemoryError) has been
 * thrown on a Vert.x thread, and every event loop has run a probe task within
 * {@code health.event.loop.timeout.ms}. The probes are sent and checked from a thread of its own, so a
 * blocked or dead event loop cannot hide itself. The first failure is final: it is reported once to the
 * listener (the command line exits the process) and {@code /health} answers 503 from then on.
 */
public final class ServerHealth implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerHealth.class);
  private static final long PROBE_INTERVAL_MILLIS = 500;

  private final long timeoutMillis;
  private final List<EventExecutor> loops = new ArrayList<>();
  /** Per event loop: System.nanoTime() of the last probe it ran. */
  private final AtomicLong[] lastRun;
  private final AtomicReference<String> failure = new AtomicReference<>();
  private volatile Consumer<String> onFailure = reason -> { };
  private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "tributary-health");
    thread.setDaemon(true);
    return thread;
  });

  public ServerHealth(Vertx vertx, long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
    ((VertxInternal) vertx).nettyEventLoopGroup().forEach(loops::add);
    lastRun = new AtomicLong[loops.size()];
    long now = System.nanoTime();
    for (int i = 0; i < lastRun.length; i++) lastRun[i] = new AtomicLong(now);
    vertx.exceptionHandler(this::uncaught);
  }

  /** Starts probing the event loops: once the server has started, since starting may keep a loop busy. */
  public void startProbing() {
    long now = System.nanoTime();
    for (AtomicLong ran : lastRun) ran.set(now);
    prober.scheduleWithFixedDelay(this::probe, PROBE_INTERVAL_MILLIS, PROBE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Called with the reason, once, when the server turns unhealthy (on no particular thread). */
  public void onFailure(Consumer<String> listener) {
    onFailure = listener;
    String already = failure.get();
    if (already != null) listener.accept(already);
  }

  /** Null while healthy; otherwise why not. */
  public String failure() {
    return failure.get();
  }

  /**
   * An exception no handler took. An {@link Error} leaves the JVM in no known state (an OutOfMemoryError
   * may have killed a task half way), so it is fatal; anything else is logged.
   */
  public void uncaught(Throwable thrown) {
    if (thrown instanceof Error) {
      LOG.error("fatal error on {}", Thread.currentThread().getName(), thrown);
      fail("fatal error on " + Thread.currentThread().getName() + ": " + thrown);
    } else {
      LOG.error("unhandled exception on {}", Thread.currentThread().getName(), thrown);
    }
  }

  private void probe() {
    long now = System.nanoTime();
    for (int i = 0; i < loops.size(); i++) {
      long silentMillis = TimeUnit.NANOSECONDS.toMillis(now - lastRun[i].get());
      if (silentMillis > timeoutMillis) {
        fail("event loop " + i + " has not run a task for " + silentMillis + " ms");
        return;
      }
      AtomicLong ran = lastRun[i];
      try {
        loops.get(i).execute(() -> ran.set(System.nanoTime()));
      } catch (RuntimeException rejected) {
        // a loop shutting down takes no more tasks; its silence is reported once it exceeds the timeout
      }
    }
  }

  private void fail(String reason) {
    if (!failure.compareAndSet(null, reason)) return;
    LOG.error("server unhealthy: {}", reason);
    onFailure.accept(reason);
  }

  @Override
  public void close() {
    prober.shutdownNow();
  }
}
