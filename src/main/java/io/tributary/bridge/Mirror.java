package io.tributary.bridge;

import io.tributary.Services;
import io.tributary.shard.StreamHome;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import io.tributary.shard.ShardFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both directions share: the loop that connects (and recovers its position from the durable
 * checkpoints), then mirrors one batch after another; on any failure it counts an error, reports itself
 * unhealthy, drops its Kafka clients and connects again after a backoff that doubles from
 * {@code mirror.retry.initial.ms} to {@code mirror.retry.max.ms}. Reconnecting always recovers from the
 * checkpoints, so a failure whose outcome is unknown (a commit that timed out) is settled the same way as a
 * restart. Runs on the bridge verticle's event loop; every blocking call goes to a worker or Kafka's threads.
 *
 * <p>In a cluster a mirror runs on one node only, its stream's home ({@link StreamHome}: the node that serves
 * the stream's first shard). Elsewhere it stands by ({@link State#STANDBY}, naming the node it runs on) and
 * looks again every {@value #HOME_CHECK_MILLIS} ms. The loop asks before every step, so a mirror whose home
 * moves away stops after the batch under way (it begins no new one), closes its clients and stands by; the
 * new home's instance resumes from the checkpoints in Kafka. An instance that learns it was fenced (another
 * node's instance of the mirror took over) stands by too, and tries again only after a backoff, so that two
 * nodes that both believe they are home for a moment do not take the mirror from each other in a loop.
 */
abstract class Mirror {
  private static final Logger LOG = LoggerFactory.getLogger(Mirror.class);
  /** Wait after a batch that found nothing to mirror. */
  static final long IDLE_MILLIS = 20;
  /** A step that has not ended by then has lost its answer; it fails and the mirror reconnects. */
  private static final long STEP_TIMEOUT_MILLIS = 120_000;
  /** How long stopping waits for the batch under way before it closes the clients anyway. */
  private static final long STOP_WAIT_MILLIS = 5_000;
  /** How often a mirror looks where its stream's home is, to start there or stand by elsewhere. */
  static final long HOME_CHECK_MILLIS = 500;

  /** STANDBY: the mirror runs on another node (or waits for a home to be known); it holds no Kafka client. */
  enum State { CONNECTING, RUNNING, RETRYING, STANDBY, PAUSED, STOPPED }

  protected final Services services;
  protected final Vertx vertx;
  /** Where the mirror's blocking Kafka client calls run: the bridge's own pool. */
  protected final WorkerExecutor kafkaWorkers;
  protected final KafkaClientSettings kafka;
  protected final MirrorMetrics metrics;
  protected MirrorDefinition definition;
  private final long initialBackoffMillis;
  private final long maxBackoffMillis;
  /**
   * How long a fenced instance stands by at least: in a cluster, one failover timeout, by which a node that
   * was paused has heard of the leaders elected meanwhile and no longer takes itself for the home.
   */
  private final long fencedHoldMillis;
  private long backoffMillis;
  private State state = State.CONNECTING;
  private boolean connected;
  private boolean looping;
  private String lastError;
  private Promise<Void> stopped;
  /** The node the mirror runs on as this node last looked (null when unknown, and on a single node). */
  private String runsOn;
  /** After being fenced: the mirror stands by until then even where it is home. */
  private long standbyUntil;
  private long homeTimer = -1;

  Mirror(Services services, KafkaClientSettings kafka, MirrorDefinition definition) {
    this.services = services;
    this.vertx = services.vertx();
    this.kafkaWorkers = services.pools().bridge();
    this.kafka = kafka;
    this.definition = definition;
    this.metrics = new MirrorMetrics(services.meters(), definition);
    this.initialBackoffMillis = services.settings().longValue("mirror.retry.initial.ms");
    this.maxBackoffMillis = services.settings().longValue("mirror.retry.max.ms");
    this.backoffMillis = initialBackoffMillis;
    this.fencedHoldMillis = services.clusterShards() == null ? 0 : services.settings().longValue("cluster.failover.timeout.ms");
    if (definition.paused()) state = State.PAUSED;
  }

  /** Creates the Kafka clients and recovers the position from the checkpoints. */
  protected abstract Future<Void> connect();

  /** Mirrors one batch; true when it found records (or shard ends) to mirror. */
  protected abstract Future<Boolean> mirrorBatch();

  /** Closes the Kafka clients; never fails. */
  protected abstract Future<Void> disconnect();

  /** Where the mirror stands, for the status answer: per shard or per partition. */
  protected abstract JsonObject positions();

  /**
   * Whether a failure says that another instance of this mirror has taken over: both directions write
   * through a transactional producer whose id ({@code tributary-mirror-<name>}) is the mirror's on every
   * node, so the instance that starts on a new home fences the one before it, whose next send or commit
   * fails with one of these; a topic-to-stream instance's appends are also refused by the shards its
   * successor fenced ({@link ShardFencedException}).
   */
  static boolean fenced(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException
          || cause instanceof ShardFencedException) {
        return true;
      }
    }
    return false;
  }

  void start() {
    homeTimer = vertx.setPeriodic(HOME_CHECK_MILLIS, t -> followHome());
    if (state != State.PAUSED) loop();
  }

  void pause() {
    definition = definition.withPaused(true);
    if (state != State.STOPPED) state = State.PAUSED;
  }

  void resume() {
    definition = definition.withPaused(false);
    if (state == State.PAUSED) {
      state = connected ? State.RUNNING : State.CONNECTING;
      loop();
    }
  }

  /** Stops after the batch under way and closes the clients; the meters go too when {@code forget}. */
  Future<Void> stop(boolean forget) {
    state = State.STOPPED;
    if (homeTimer >= 0) vertx.cancelTimer(homeTimer);
    Promise<Void> promise = Promise.promise();
    Runnable finish = () -> disconnect().onComplete(done -> {
      connected = false;
      if (forget) metrics.remove();
      promise.complete();
    });
    if (looping) {
      stopped = Promise.promise();
      stopped.future().timeout(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS).onComplete(v -> finish.run());
    } else {
      finish.run();
    }
    return promise.future();
  }

  MirrorDefinition definition() { return definition; }

  boolean healthy() { return state != State.RETRYING; }

  JsonObject status() {
    return definition.toJson()
        .put("state", state.name())
        .put("runsOn", runsOn)
        .put("healthy", healthy())
        .put("lastError", lastError)
        .put("recordsMirrored", metrics.records())
        .put("bytesMirrored", metrics.bytes())
        .put("errors", metrics.errors())
        .put("lagRecords", metrics.lagRecords())
        .put("lagMillis", metrics.lagMillis())
        .put("positions", positions());
  }

  /** The stream as the registry has it now, or a failure when it does not exist or does not take data. */
  protected StreamDescriptor currentStream() {
    StreamDescriptor stream = services.registry().find(definition.stream());
    if (stream == null || !stream.acceptsData()) {
      throw new IllegalStateException("stream " + definition.stream().name() + " does not exist or is not ACTIVE");
    }
    return stream;
  }

  /** Where the stream's home is now; a stream this node does not know runs here, where connecting says so. */
  private StreamHome.Home home() {
    StreamDescriptor stream = services.registry().find(definition.stream());
    StreamHome.Home home = stream == null ? StreamHome.Home.LOCAL : services.streamHome().of(stream);
    runsOn = home.node();
    return home;
  }

  /** Run periodically: a mirror standing by starts once its stream's home is here; one running elsewhere stops. */
  private void followHome() {
    if (state == State.STOPPED || state == State.PAUSED) return;
    StreamHome.Home home = home();
    if (state == State.STANDBY && home.here() && System.currentTimeMillis() >= standbyUntil) {
      LOG.info("mirror {} starts here: its stream's first shard is served here", definition.name());
      state = State.CONNECTING;
      lastError = null;
      loop();
    } else if (state != State.STANDBY && !home.here()) {
      loop();
    }
  }

  private void standBy() {
    LOG.info("mirror {} stands by: it runs on {}", definition.name(), runsOn == null ? "no node known yet" : runsOn);
    state = State.STANDBY;
    metrics.healthy(true);
    metrics.lag(0, 0);  // the home reports the lag; summed over nodes, this node's stale figure would count twice
  }

  private void loop() {
    if (looping) return;
    if (state == State.STOPPED || state == State.PAUSED) {
      if (stopped != null) stopped.tryComplete();
      return;
    }
    if (state != State.STANDBY && !home().here()) standBy();
    if (state == State.STANDBY) {
      if (connected) closeAndLoop();
      return;
    }
    looping = true;
    Future<Boolean> step = connected
        ? Future.<Future<Boolean>>future(p -> p.complete(mirrorBatch())).compose(f -> f)
        : Future.<Future<Void>>future(p -> p.complete(connect())).compose(f -> f).map(v -> {
          connected = true;
          return true;
        });
    step.timeout(STEP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).onComplete(result -> {
      looping = false;
      if (result.succeeded()) {
        if (state == State.CONNECTING || state == State.RETRYING) state = State.RUNNING;
        metrics.healthy(true);
        backoffMillis = initialBackoffMillis;
        lastError = null;
        if (result.result()) loop(); else vertx.setTimer(IDLE_MILLIS, t -> loop());
      } else {
        failed(result.cause());
      }
    });
  }

  /** Closes the Kafka clients of a mirror that stands by; the loop then looks at its state again. */
  private void closeAndLoop() {
    looping = true;
    disconnect().onComplete(closed -> {
      connected = false;
      looping = false;
      loop();
    });
  }

  private void failed(Throwable failure) {
    if (fenced(failure) && state != State.STOPPED && state != State.PAUSED) {
      lastError = "fenced: another instance of the mirror took over (" + failure.getMessage() + ")";
      standbyUntil = System.currentTimeMillis() + Math.max(backoffMillis, fencedHoldMillis);
      backoffMillis = Math.min(maxBackoffMillis, backoffMillis * 2);
      LOG.warn("mirror {} was fenced by another instance; standing by for at least {} ms", definition.name(),
          standbyUntil - System.currentTimeMillis());
      standBy();
      closeAndLoop();
      return;
    }
    metrics.error();
    metrics.healthy(false);
    lastError = String.valueOf(failure.getMessage());
    if (state == State.RUNNING || state == State.CONNECTING) state = State.RETRYING;
    LOG.warn("mirror {} failed; retrying in {} ms: {}", definition.name(), backoffMillis, lastError);
    long delay = backoffMillis;
    backoffMillis = Math.min(maxBackoffMillis, backoffMillis * 2);
    looping = true;
    disconnect().onComplete(closed -> {
      connected = false;
      looping = false;
      if (state == State.STOPPED || state == State.PAUSED || state == State.STANDBY) {
        loop();
      } else {
        vertx.setTimer(delay, t -> loop());
      }
    });
  }
}
