package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.ChannelRegistry;
import io.tributary.shard.ShardIterator;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.ChannelDescriptor;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * ListChannels: the channels of the caller's account and region, by name, at most 100 a page (a larger
 * MaxResults is allowed and capped, as AWS documents), optionally only those reading the streams of
 * StreamFilter: a filter matches a channel reading a stream of that ARN, created at StreamCreationTimestamp
 * when one is given.
 */
public final class ListChannelsHandler implements OperationHandler {
  private static final int MAX_PAGE = 100;
  private static final Shape INPUT = Shape.of(
      Member.listOf("StreamFilter", Shape.of(
          StreamMembers.streamArn().notNull(),
          Member.timestamp("StreamCreationTimestamp")), null).length(1, 10000),
      Member.integer("MaxResults").min(1).max(10000),
      Member.string("NextToken").length(1, 1048576));

  private final Clock clock;
  private final ChannelRegistry channels;
  private final ShardIterator.Codec iterators;

  public ListChannelsHandler(Clock clock, ChannelRegistry channels, ShardIterator.Codec iterators) {
    this.clock = clock;
    this.channels = channels;
    this.iterators = iterators;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  /** A stream a channel must read to be listed: its ARN, and its creation time when the filter names one. */
  private record Filter(String streamArn, Long streamCreatedMillis) {
    boolean matches(ChannelDescriptor channel) {
      for (ChannelDescriptor.Source source : channel.sources()) {
        if (source.streamArn().equals(streamArn)
            && (streamCreatedMillis == null || source.streamCreatedMillis() == streamCreatedMillis)) {
          return true;
        }
      }
      return false;
    }
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    String scope = context.account() + "/" + context.region();
    String after = null;
    if (input.has("NextToken")) {
      PageToken token = PageToken.open(iterators, input.string("NextToken"), clock.millis(),
          context.account(), scope);
      after = token.lastKey();
    }
    List<Filter> filters = new ArrayList<>();
    if (input.has("StreamFilter")) {
      for (Input filter : input.structures("StreamFilter")) {
        filters.add(new Filter(StreamMembers.keyOf(context, filter).arn(), filter.timestamp("StreamCreationTimestamp")));
      }
    }
    String exclusiveStart = after;
    List<ChannelDescriptor> remaining = channels.list(context.account(), context.region()).stream()
        .filter(channel -> exclusiveStart == null || channel.name().compareTo(exclusiveStart) > 0)
        .filter(channel -> filters.isEmpty() || filters.stream().anyMatch(filter -> filter.matches(channel)))
        .toList();
    int limit = Math.min(input.integer("MaxResults", MAX_PAGE), MAX_PAGE);
    List<ChannelDescriptor> page = remaining.subList(0, Math.min(limit, remaining.size()));
    String nextToken = page.size() < remaining.size()
        ? new PageToken(clock.millis(), context.account(), scope, page.get(page.size() - 1).name())
            .seal(iterators) : null;
    return Future.succeededFuture(writer -> {
      writer.startArray("ChannelSummaries");
      for (ChannelDescriptor channel : page) ChannelMembers.writeSummary(writer, channel);
      writer.endArray().field("NextToken", nextToken);
    });
  }
}
