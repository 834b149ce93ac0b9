package io.tributary;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.api.ApiListeners;
import io.tributary.api.CallRates;
import io.tributary.api.ConnectionCounts;
import io.tributary.api.Subscriptions;
import io.tributary.cluster.ClusterLayout;
import io.tributary.cluster.ClusterMembership;
import io.tributary.cluster.ClusterSettings;
import io.tributary.cluster.ClusterShards;
import io.tributary.replication.ReplicationSettings;
import io.tributary.replication.ShardReplication;
import io.tributary.cluster.metadata.MetadataGroup;
import io.tributary.cluster.metadata.MetadataGroupSettings;
import io.tributary.cluster.ClusterNode;
import io.tributary.cluster.SingleNodeMembership;
import io.tributary.config.Settings;
import io.tributary.config.VerticleDescriptor;
import io.tributary.stream.CatalogWriteFaults;
import io.tributary.api.faults.FaultInjector;
import io.tributary.api.faults.FaultRule;
import io.tributary.log.FsyncPolicy;
import io.tributary.log.LogConfig;
import io.tributary.limits.MemoryBudgets;
import io.tributary.limits.Quotas;
import io.tributary.metrics.EventLoopMeters;
import io.tributary.metrics.AppendMeters;
import io.tributary.metrics.StreamMetrics;
import io.tributary.shard.FileShardStorage;
import io.tributary.shard.MemoryShardStorage;
import io.tributary.shard.LocalShardPlacement;
import io.tributary.shard.ShardLocator;
import io.tributary.shard.ShardFileServer;
import io.tributary.shard.ShardLogCopy;
import io.tributary.shard.ShardPlacement;
import io.tributary.shard.RecordAppender;
import io.tributary.shard.ShardClient;
import io.tributary.shard.ShardIterator;
import io.tributary.shard.ShardStorage;
import io.tributary.shard.StreamHome;
import io.tributary.stream.ConsumerLifecycle;
import io.tributary.stream.ChannelLifecycle;
import io.tributary.stream.ChannelRegistry;
import io.tributary.stream.MetadataWriter;
import io.tributary.stream.StreamCatalog;
import io.tributary.stream.StreamCatalogFile;
import io.tributary.stream.StreamLifecycle;
import io.tributary.stream.StreamRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running server: a Vert.x instance, the shared services, and the verticles named in
 * {@code verticles/}. {@link #start} completes once every listener is up.
 */
public final class TributaryServer {
  private static final Logger LOG = LoggerFactory.getLogger(TributaryServer.class);
  /** The verticles deployed at start, by descriptor name, in order. */
  static final List<String> VERTICLES = List.of("api", "tls", "bridge", "triggers", "management");
  /** How many metadata entries a voter applies between two snapshots of the catalog. */
  private static final long METADATA_SNAPSHOT_EVERY = 1000;
  /**
   * How often a clustered node checks that every shard the metadata gives it runs: those of streams it
   * learned of from other nodes while it could not be asked to start them.
   */
  private static final long RECONCILE_MILLIS = 1000;

  private final Services services;
  private final DataDirectory dataDirectory;
  /** This node's part of the cluster's metadata group; null on a single node. */
  private final MetadataGroup metadataGroup;
  /** This node's part in the replication of shard logs; null unless the replication factor is above 1. */
  private final ShardReplication replication;

  private TributaryServer(Services services, DataDirectory dataDirectory, MetadataGroup metadataGroup,
      ShardReplication replication) {
    this.services = services;
    this.dataDirectory = dataDirectory;
    this.metadataGroup = metadataGroup;
    this.replication = replication;
  }

  /** A clustered node's layout and its part of the metadata group. */
  private record Clustered(ClusterLayout layout, MetadataGroup group) { }

  public static Future<TributaryServer> start(Settings settings) {
    return start(settings, Clock.systemUTC());
  }

  public static Future<TributaryServer> start(Settings settings, Clock clock) {
    int eventLoops = settings.integer("event.loops");
    boolean enforceQuotas = settings.bool("limits.enforce");
    int shardQueue = settings.integer("limits.shard.queue");
    if (shardQueue < 1) throw new IllegalArgumentException("setting 'limits.shard.queue' must be at least 1");
    List<FaultRule> faultRules = FaultRule.parseSetting(settings.string("faults"));
    Long faultSeed = settings.string("faults.seed").isEmpty() ? null : settings.longValue("faults.seed");
    if (eventLoops <= 0) eventLoops = Runtime.getRuntime().availableProcessors();
    ClusterLayout layout = settings.bool("cluster.enabled") ? ClusterLayout.from(settings, ClusterSettings.from(settings)) : null;
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // A clustered node's every metric names the node, so that one Prometheus can scrape them all.
    if (layout != null) meters.config().commonTags("node", layout.self());
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);

    ConnectionCounts connections = new ConnectionCounts(settings.integer("limits.connections"),
        settings.integer("limits.connections.per.address"), meters);
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(eventLoops);
    ApiListeners transport = new ApiListeners(settings, connections);
    if (layout != null) {
      int loops = eventLoops;
      return ClusterNode.join(settings, options, transport).compose(node -> MetadataGroup.start(node.vertx(),
              metadataSettings(settings, layout))
          .recover(failure -> node.vertx().close().transform(closed -> Future.failedFuture(failure)))
          .compose(group -> start(settings, clock, node.vertx(), node.membership(), new Clustered(layout, group), loops,
              enforceQuotas, shardQueue, faultRules, faultSeed, meters, connections)));
    }
    Vertx vertx = Vertx.builder()
        .with(options)
        .withTransport(transport)
        .build();
    return start(settings, clock, vertx, new SingleNodeMembership(settings), null, eventLoops, enforceQuotas, shardQueue,
        faultRules, faultSeed, meters, connections);
  }

  /** The metadata group as the layout names it, its Raft log and snapshots in {@code <data dir>/metadata}. */
  private static MetadataGroupSettings metadataSettings(Settings settings, ClusterLayout layout) {
    return new MetadataGroupSettings(settings.string("cluster.name"), layout.metadataPeer(), layout.voters(),
        settings.path("data.dir").resolve("metadata"),
        Duration.ofMillis(settings.longValue("cluster.metadata.commit.timeout.ms")), METADATA_SNAPSHOT_EVERY);
  }

  /**
   * The replication of shard logs as the settings and the layout give it: its Raft logs in
   * {@code <data dir>/replication}.
   */
  private static ReplicationSettings replicationSettings(Settings settings, ClusterLayout layout) {
    if (!"file".equals(settings.string("storage"))) {
      throw new IllegalArgumentException("setting 'replication.factor' above 1 needs storage=file");
    }
    return new ReplicationSettings(settings.string("cluster.name"), layout.self(), layout.nodes(),
        replicationFactor(settings, layout), settings.integer("cluster.replication.port.offset"),
        settings.path("data.dir").resolve("replication"),
        Duration.ofMillis(settings.longValue("cluster.failover.timeout.ms")),
        Duration.ofMillis(settings.longValue("replication.commit.timeout.ms")),
        settings.longValue("replication.snapshot.entries"));
  }

  /** {@code replication.factor}: a number, or {@code auto}: 3 once the cluster lists 3 members, else 1. */
  static int replicationFactor(Settings settings, ClusterLayout layout) {
    String factor = settings.string("replication.factor").trim();
    if (factor.equals("auto")) return layout.nodes().size() >= 3 ? 3 : 1;
    try {
      return Integer.parseInt(factor);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting 'replication.factor' must be a number or auto, not '" + factor + "'");
    }
  }

  /** Starts the server on a built Vert.x instance, clustered or not. */
  private static Future<TributaryServer> start(Settings settings, Clock clock, Vertx vertx, ClusterMembership cluster,
      Clustered clustered, int eventLoops, boolean enforceQuotas, int shardQueue, List<FaultRule> faultRules, Long faultSeed,
      PrometheusMeterRegistry meters, ConnectionCounts connections) {
    MemoryBudgets budgets = MemoryBudgets.from(settings, meters);
    WorkerPools pools = WorkerPools.create(vertx, settings, meters, budgets.decodeThreads());
    ShardClient.registerCodecs(vertx);
    ServerHealth health = new ServerHealth(vertx, settings.longValue("health.event.loop.timeout.ms"));
    long provokedErrorMillis = settings.longValue("debug.fatal.error.after.ms");
    if (provokedErrorMillis > 0) {
      vertx.setTimer(provokedErrorMillis, t -> {
        throw new OutOfMemoryError("provoked by debug.fatal.error.after.ms");
      });
    }


    SecureRandom random = new SecureRandom();
    StreamRegistry registry = new StreamRegistry(settings.integer("limits.shards"),
        settings.integer("limits.on.demand.streams"));
    ChannelRegistry channels = new ChannelRegistry();
    DataDirectory dataDirectory = null;
    byte[] iteratorKey;
    StreamCatalog catalog;
    ShardStorage storage;
    ShardReplication replication = null;
    try {
      boolean replicated = clustered != null && replicationFactor(settings, clustered.layout()) > 1;
      switch (settings.string("storage")) {
        case "memory" -> {
          iteratorKey = new byte[16];
          random.nextBytes(iteratorKey);
          catalog = StreamCatalog.NONE;
          storage = new MemoryShardStorage(vertx, clock, settings.longValue("log.retention.check.ms"));
        }
        case "file" -> {
          dataDirectory = DataDirectory.open(settings.path("data.dir"));
          iteratorKey = clustered != null ? clustered.layout().iteratorKey() : dataDirectory.iteratorKey();
          catalog = clustered != null ? clustered.group().catalog() : new StreamCatalogFile(pools.control(), dataDirectory.root());
          LogConfig logs = FileShardStorage.logConfig(settings).withWorkers(pools.logWorkers());
          // A replica's log is forced before each snapshot of its group; the group's Raft log, fsynced,
          // holds every committed entry until then (ShardGroupStateMachine).
          if (replicated) logs = logs.withFsync(new FsyncPolicy.Never());
          storage = new FileShardStorage(vertx, pools.control(), dataDirectory.shards(), logs, clock, meters);
        }
        default -> throw new IllegalArgumentException("setting 'storage' must be file or memory, not '"
            + settings.string("storage") + "'");
      }
      if (replicated) {
        replication = new ShardReplication(vertx, replicationSettings(settings, clustered.layout()),
            (FileShardStorage) storage, new ShardLogCopy(vertx, pools.control(), dataDirectory.shards(), clock),
            registry::findByUid);
        storage = replication;
      }
    } catch (RuntimeException e) {
      if (dataDirectory != null) dataDirectory.close();
      health.close();
      return closeGroup(clustered).eventually(vertx::close).transform(closed -> Future.failedFuture(e));
    }
    Quotas quotas = new Quotas(enforceQuotas, meters);
    CallRates callRates = new CallRates(clock);
    ClusterShards clusterShards = clustered == null ? null
        : new ClusterShards(vertx, clustered.layout().self(), clustered.group(), cluster::isLive, replication);
    ShardClient shardClient = new ShardClient(vertx, quotas, shardQueue, budgets,
        clusterShards == null ? ShardLocator.ALL_HERE : clusterShards.locator(), meters);
    double catalogFaults = Double.parseDouble(settings.string("faults.catalog.write.failure"));
    MetadataWriter metadata = new MetadataWriter(registry, channels,
        catalogFaults == 0 ? catalog : new CatalogWriteFaults(catalog, catalogFaults, faultSeed));
    LocalShardPlacement localShards = clusterShards == null ? new LocalShardPlacement(vertx, storage, clock, shardQueue)
        : new LocalShardPlacement(vertx, storage, clock, shardQueue, clusterShards::heldAtStart);
    ShardPlacement placement = clusterShards == null ? localShards : clusterShards.placement(localShards,
        registry::findByUid, metadata::version,
        new ShardFileServer(vertx, pools.control(), dataDirectory.shards(), clustered.layout().self()),
        new ShardLogCopy(vertx, pools.control(), dataDirectory.shards(), clock));
    StreamLifecycle lifecycle = new StreamLifecycle(vertx, registry, metadata, placement, shardClient, clock,
        settings.longValue("stream.create.delay.ms"), settings.longValue("stream.delete.delay.ms"),
        settings.longValue("stream.update.delay.ms"));
    ConsumerLifecycle consumers = new ConsumerLifecycle(vertx, registry, metadata, clock,
        settings.longValue("consumer.create.delay.ms"), settings.longValue("consumer.delete.delay.ms"));
    ChannelLifecycle channelLifecycle = new ChannelLifecycle(vertx, channels, metadata,
        settings.longValue("stream.create.delay.ms"), settings.longValue("stream.update.delay.ms"),
        settings.longValue("stream.delete.delay.ms"));
    ShardIterator.Codec iterators = new ShardIterator.Codec(iteratorKey);
    FaultInjector faults = new FaultInjector(vertx, iterators, meters, faultRules, faultSeed);
    StreamMetrics streamMetrics = new StreamMetrics(meters);
    Services services = new Services(vertx, settings, clock, registry, metadata, lifecycle, consumers, channels,
        channelLifecycle, shardClient, iterators, meters, new Subscriptions(settings, meters, clock), quotas, callRates,
        faults, new AtomicBoolean(), pools, budgets, health, connections, streamMetrics,
        new RecordAppender(vertx, shardClient, registry, new AppendMeters(streamMetrics, quotas.counters())), cluster,
        clusterShards, clusterShards == null ? StreamHome.LOCAL : clusterShards.streamHome(),
        clustered == null ? null : clustered.group().documents());

    DataDirectory lockedDirectory = dataDirectory;
    ShardReplication replicated = replication;
    ShardStorage shardStorage = storage;
    // A clustered node hears placement requests before it loads the metadata (so none falls in between),
    // and takes the other nodes' changes once its own restore has run on what it loaded.
    // A clustered node loads its catalog once it has caught up with the group, so that it knows every stream.
    Future<Void> deployed = (clusterShards == null ? Future.<Void>succeededFuture() : clusterShards.listen()
        .compose(v -> clustered.group().caughtUp(Duration.ofMillis(settings.longValue("cluster.metadata.commit.timeout.ms")))))
        .compose(v -> catalog.load())
        .compose(kept -> shardStorage.setAsideUnlisted(StreamLifecycle.listedShards(kept.streams()))
            .compose(v -> replicated == null ? Future.<Void>succeededFuture() : replicated.start(clustered.group().documents()))
            .compose(v -> lifecycle.restore(kept.streams(), kept.accounts()))
            .compose(v -> channelLifecycle.restore(kept.channels())))
        .compose(v -> consumers.restore());
    if (clustered != null) {
      deployed = deployed.andThen(restored -> clustered.group().publishTo(metadata))
          .compose(v -> clusterShards.follow(registry::all));
    }
    // Descriptors are read here, on the starting thread, so no event loop ever reads a file.
    List<VerticleDescriptor> descriptors = new java.util.ArrayList<>();
    try {
      for (String name : VERTICLES) {
        descriptors.add(VerticleDescriptor.load(settings.path("verticles.dir"), name, eventLoops));
      }
    } catch (RuntimeException e) {
      deployed = deployed.compose(v -> Future.failedFuture(e));
    }
    for (VerticleDescriptor descriptor : descriptors) {
      deployed = deployed.compose(v -> descriptor.enabled(settings)
          ? vertx.deployVerticle(() -> instantiate(descriptor, services), descriptor.options())
              .<Void>mapEmpty()
              .recover(failure -> Future.failedFuture(new IllegalStateException("the " + descriptor.name()
                  + " verticle (" + descriptor.verticleClass() + ") did not start: " + failure.getMessage()
                  + " (" + listeners(settings) + ")", failure)))
          : Future.succeededFuture());
    }
    // A promise of no context: after a failed start its listeners run on the thread that closed Vert.x,
    // since the event loops they would otherwise be sent to are gone by then.
    Promise<TributaryServer> started = Promise.promise();
    deployed.onComplete(result -> {
      if (result.succeeded()) {
        vertx.setPeriodic(settings.longValue("log.retention.check.ms"), tick -> lifecycle.expireClosedShards());
        vertx.setPeriodic(settings.longValue("metrics.sweep.ms"), tick -> services.streamMetrics().sweep(registry));
        if (clusterShards != null) vertx.setPeriodic(RECONCILE_MILLIS, tick -> clusterShards.tick());
        health.startProbing();
        EventLoopMeters.start(vertx, meters);
        services.ready().set(true);
        started.complete(new TributaryServer(services, lockedDirectory, clustered == null ? null : clustered.group(),
            replicated));
      } else {
        // Said here, before Vert.x closes: a clustered start's caller may hear of it on an event loop that is gone.
        if (operatorError(result.cause())) {
          LOG.error("the start failed; stopping what started: {}", result.cause().getMessage());
        } else {
          LOG.error("the start failed; stopping what started: {}", result.cause().getMessage(), result.cause());
        }
        health.close();
        undeployAll(vertx).eventually(() -> replicated == null ? Future.succeededFuture() : replicated.close())
            .eventually(() -> closeGroup(clustered)).eventually(vertx::close).onComplete(closed -> {
          if (lockedDirectory != null) lockedDirectory.close();
          started.fail(result.cause());
        });
      }
    });
    return started.future();
  }

  /**
   * Whether a failed start is the operator's to fix, which its message says in full: a port in use, a locked
   * data directory or a bad setting. Anything else is told with its stack trace.
   */
  static boolean operatorError(Throwable failure) {
    return failure.getCause() instanceof java.net.BindException
        || failure.getCause() instanceof IllegalArgumentException
        || failure instanceof IllegalStateException && failure.getCause() == null;
  }

  private static Future<Void> closeGroup(Clustered clustered) {
    return clustered == null ? Future.succeededFuture() : clustered.group().close();
  }

  /** The ports the server was told to listen on, for a start that failed on one of them. */
  private static String listeners(Settings settings) {
    return "host " + settings.string("host") + ", port " + settings.string("port") + ", tls.port "
        + settings.string("tls.port") + ", management.port " + settings.string("management.port");
  }

  private static Deployable instantiate(VerticleDescriptor descriptor, Services services) {
    try {
      return (Deployable) Class.forName(descriptor.verticleClass()).getConstructor(Services.class).newInstance(services);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create verticle " + descriptor.verticleClass() + " of descriptor "
          + descriptor.name() + ": it needs a public constructor taking Services", e);
    }
  }

  public Services services() { return services; }

  public Settings settings() { return services.settings(); }

  /** Stops every verticle (shard logs flush and close) and releases the data directory. */
  public Future<Void> close() {
    services.ready().set(false);
    services.health().close();
    return undeployAll(services.vertx())
        .eventually(() -> replication == null ? Future.succeededFuture() : replication.close())
        .eventually(() -> metadataGroup == null ? Future.succeededFuture() : metadataGroup.close())
        .eventually(() -> services.vertx().close()).andThen(closed -> {
      if (dataDirectory != null) dataDirectory.close();
    });
  }

  /**
   * Undeploys every verticle while the worker pools still run: Vert.x closes the pools before it undeploys,
   * and the shard logs flush on theirs as they stop.
   */
  private static Future<Void> undeployAll(Vertx vertx) {
    return Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()).<Void>mapEmpty()
        .recover(failure -> Future.succeededFuture());
  }
}
