package io.tributary.api.operation;

import io.tributary.api.KinesisException;
import io.tributary.api.Operation;
import io.tributary.api.RequestContext;
import io.tributary.api.ResourcePolicy;
import io.tributary.api.wire.Input;
import io.tributary.stream.ConsumerDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.tributary.stream.StreamRegistry;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may act on a stream or consumer. A caller acts within its own account; a stream or consumer of
 * another account (named by StreamARN, ConsumerARN or ResourceARN) is served only for the operations
 * Kinesis shares across accounts, and only when the resource's policy allows the caller the action. An
 * explicit Deny in the policy refuses everyone it names, the owner's account included. Refusals are
 * AccessDeniedException in IAM's wording, naming the caller's principal (its account's root unless the
 * {@code accounts} setting names a user or role for its access key).
 *
 * <p>Checked before the operation's handler runs ({@link #check}, from the API's admission of a call);
 * handlers whose resource is known only from a sealed token or iterator call {@link #require} themselves.
 */
public final class ResourceAccess {
  /** What another account may be allowed on a stream. */
  private static final Set<Operation> SHARED_ON_STREAMS = EnumSet.of(Operation.DESCRIBE_STREAM, Operation.DESCRIBE_STREAM_SUMMARY,
      Operation.LIST_SHARDS, Operation.GET_SHARD_ITERATOR, Operation.GET_RECORDS, Operation.PUT_RECORD,
      Operation.PUT_RECORDS, Operation.LIST_STREAM_CONSUMERS, Operation.REGISTER_STREAM_CONSUMER);
  /** What another account may be allowed on a consumer. */
  private static final Set<Operation> SHARED_ON_CONSUMERS =
      EnumSet.of(Operation.DESCRIBE_STREAM_CONSUMER, Operation.SUBSCRIBE_TO_SHARD);
  /** Operations that name a consumer by StreamARN and ConsumerName when no ConsumerARN is given. */
  private static final Set<Operation> CONSUMER_BY_NAME =
      EnumSet.of(Operation.DESCRIBE_STREAM_CONSUMER, Operation.DEREGISTER_STREAM_CONSUMER);
  private static final int MAX_CACHED_POLICIES = 1024;
  /** Parsed policies by their text: a policy is read once, not on every call. */
  private static final Map<String, ResourcePolicy> POLICIES = new ConcurrentHashMap<>();

  private ResourceAccess() { }

  /** The named resource as the request asks for it; null members when the request names none. */
  private record Named(StreamKey streamKey, String arn, String consumerName, Long consumerCreatedSeconds) {
  }

  /** Fails the call when the resource its request names is not the caller's to act on. */
  public static void check(StreamRegistry registry, RequestContext context, Operation operation, Input input) {
    Named named = named(context, operation, input);
    if (named == null) return;
    StreamDescriptor stream = registry.find(named.streamKey());
    ConsumerDescriptor consumer = stream == null || named.consumerName() == null
        ? null : stream.consumer(named.consumerName());
    if (consumer != null && named.consumerCreatedSeconds() != null
        && consumer.createdMillis() / 1000 != named.consumerCreatedSeconds()) {
      consumer = null;
    }
    boolean found = stream != null && (named.consumerName() == null || consumer != null);
    if (found) {
      require(context, operation, stream, consumer);
    } else if (!named.streamKey().account().equals(context.account())) {
      // Another account's resource that does not exist has no policy to allow anything.
      throw notAllowed(context, operation, named.arn());
    }
  }

  /**
   * Refuses the caller the operation on a stream (or one of its consumers, when given) unless it is the
   * stream's account or the resource's policy allows it; refuses anyone the policy explicitly denies.
   */
  static void require(RequestContext context, Operation operation, StreamDescriptor stream, ConsumerDescriptor consumer) {
    String arn = consumer != null ? consumer.arn() : stream.arn();
    String policy = stream.policies().get(arn);
    ResourcePolicy.Decision decision = policy == null ? ResourcePolicy.Decision.NOT_ALLOWED
        : parsed(policy).evaluate(new ResourcePolicy.Request(principalOf(context), context.account(),
            action(operation), arn));
    if (decision == ResourcePolicy.Decision.EXPLICIT_DENY) throw denied(context, operation, arn, true);
    if (stream.key().account().equals(context.account())) return;
    boolean shared = (consumer != null ? SHARED_ON_CONSUMERS : SHARED_ON_STREAMS).contains(operation);
    if (!shared || decision != ResourcePolicy.Decision.ALLOW) throw denied(context, operation, arn, false);
  }

  /**
   * The stream a nested member names (a StreamARN or StreamName inside a structure), which the front end's
   * check does not see: ResourceNotFoundException for a missing stream of the caller's account, the
   * refusal for another account's stream the caller is not allowed.
   */
  static StreamDescriptor findStream(StreamRegistry registry, RequestContext context, Operation operation, Input named) {
    return findStream(registry, context, operation, StreamMembers.keyOf(context, named));
  }

  /** The stream of a key that a token or a nested member gave, under the same checks. */
  static StreamDescriptor findStream(StreamRegistry registry, RequestContext context, Operation operation, StreamKey key) {
    StreamDescriptor stream = registry.find(key);
    if (stream == null) {
      if (!key.account().equals(context.account())) throw notAllowed(context, operation, key.arn());
      throw KinesisException.streamNotFound(key.name(), key.account());
    }
    require(context, operation, stream, null);
    return stream;
  }

  private static Named named(RequestContext context, Operation operation, Input input) {
    String consumerArn = input.string("ConsumerARN");
    if (consumerArn != null) {
      ResourceArn arn = ResourceArn.parseConsumer(consumerArn);
      return arn == null ? null : new Named(arn.streamKey(), consumerArn, arn.consumerName(), arn.consumerCreatedSeconds());
    }
    String resourceArn = input.string("ResourceARN");
    if (resourceArn != null) {
      try {
        ResourceArn arn = ResourceArn.parse(resourceArn);
        return new Named(arn.streamKey(), resourceArn, arn.consumerName(),
            arn.isConsumer() ? arn.consumerCreatedSeconds() : null);
      } catch (KinesisException e) {
        return null;
      }
    }
    String streamArn = input.string("StreamARN");
    if (streamArn != null) {
      StreamKey key;
      try {
        key = StreamMembers.keyOfArn(streamArn);
      } catch (KinesisException e) {
        return null;
      }
      String consumerName = CONSUMER_BY_NAME.contains(operation) ? input.string("ConsumerName") : null;
      String arn = consumerName == null ? streamArn : streamArn + "/consumer/" + consumerName;
      return new Named(key, arn, consumerName, null);
    }
    String streamName = input.string("StreamName");
    if (streamName != null) {
      StreamKey key = new StreamKey(context.account(), context.region(), streamName);
      return new Named(key, key.arn(), null, null);
    }
    return null;
  }

  private static String principalOf(RequestContext context) {
    return context.principal();
  }

  private static String action(Operation operation) {
    return "kinesis:" + operation.wireName();
  }

  private static ResourcePolicy parsed(String policy) {
    ResourcePolicy known = POLICIES.get(policy);
    if (known != null) return known;
    if (POLICIES.size() >= MAX_CACHED_POLICIES) POLICIES.clear();
    ResourcePolicy read = ResourcePolicy.parse(policy);
    POLICIES.put(policy, read);
    return read;
  }

  /** The refusal of another account's resource that no policy allows the caller. */
  static KinesisException notAllowed(RequestContext context, Operation operation, String resourceArn) {
    return denied(context, operation, resourceArn, false);
  }

  private static KinesisException denied(RequestContext context, Operation operation, String resourceArn,
      boolean explicit) {
    String action = action(operation);
    return KinesisException.client("AccessDeniedException", "User: " + principalOf(context)
        + " is not authorized to perform: " + action + " on resource: " + resourceArn
        + (explicit ? " with an explicit deny in a resource-based policy"
            : " because no resource-based policy allows the " + action + " action"));
  }
}
