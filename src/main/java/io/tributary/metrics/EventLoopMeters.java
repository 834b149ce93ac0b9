package io.tributary.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How busy each event loop is, tagged {@code loop}: {@code tributary_event_loop_delay_seconds}, the time a
 * task waits in the loop's queue before it runs (a task is sent to every loop once a second, from a thread
 * of its own so that a blocked loop cannot hide), and {@code tributary_event_loop_pending_tasks}. Stops by
 * itself once the loops shut down.
 */
public final class EventLoopMeters {
  private static final long INTERVAL_MILLIS = 1000;
  private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofSeconds(5)};

  private final List<EventExecutor> loops = new ArrayList<>();
  private final List<Timer> delays = new ArrayList<>();
  private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "tributary-event-loop-meters");
    thread.setDaemon(true);
    return thread;
  });

  private EventLoopMeters(Vertx vertx, MeterRegistry meters) {
    ((VertxInternal) vertx).nettyEventLoopGroup().forEach(loops::add);
    for (int i = 0; i < loops.size(); i++) {
      String loop = String.valueOf(i);
      delays.add(Timer.builder("tributary.event.loop.delay").description("Time a task waits before its event loop runs it")
          .tag("loop", loop).serviceLevelObjectives(BUCKETS).register(meters));
      if (loops.get(i) instanceof SingleThreadEventExecutor executor) {
        Gauge.builder("tributary.event.loop.pending.tasks", executor, SingleThreadEventExecutor::pendingTasks)
            .description("Tasks waiting in the event loop's queue").tag("loop", loop).register(meters);
      }
    }
  }

  public static EventLoopMeters start(Vertx vertx, MeterRegistry meters) {
    EventLoopMeters started = new EventLoopMeters(vertx, meters);
    started.sender.scheduleWithFixedDelay(started::measure, 0, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    return started;
  }

  private void measure() {
    for (int i = 0; i < loops.size(); i++) {
      EventExecutor loop = loops.get(i);
      if (loop.isShuttingDown()) {
        sender.shutdown();
        return;
      }
      Timer delay = delays.get(i);
      long sent = System.nanoTime();
      try {
        loop.execute(() -> delay.record(System.nanoTime() - sent, TimeUnit.NANOSECONDS));
      } catch (RuntimeException rejected) {
        sender.shutdown();  // the loop is shutting down
        return;
      }
    }
  }
}
