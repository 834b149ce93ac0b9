/**
 * The cluster's control-plane metadata on one Apache Ratis Raft group: the catalog that a single node keeps
 * in streams.json (streams with their shards and lineage, consumers, tags, policies, channels, account
 * settings), kept instead by a static list of voters ({@link io.tributary.cluster.metadata.MetadataGroupSettings}).
 *
 * <p>Every metadata write is one log entry, {@code {"base": version, "change": what it changed}} (see
 * {@link io.tributary.cluster.metadata.CatalogEntries}), applied as a compare-and-set
 * ({@link io.tributary.cluster.metadata.CatalogStateMachine}): so writes are linearizable,
 * and a change that touches several things at once (a reshard) is one entry. A node's
 * {@link io.tributary.stream.MetadataWriter} is unchanged for its callers: it writes through
 * {@link io.tributary.cluster.metadata.MetadataGroup#catalog()}; when another node's write came first, it is
 * told what the group holds, takes it, and applies the same changes again, so that two nodes creating one
 * stream end with one stream and the other refused by the registry's own check. Every catalog a voter applies
 * is installed into its node's registries, which stay the local cache that handlers read.
 *
 * <p>A node that is not one of the voters follows the group as a Ratis listener: it asks the leader to list it
 * in the group's configuration ({@link io.tributary.cluster.metadata.ListenerEnrolment}), applies every entry
 * through the same state machine, and writes like a voter, without a vote.
 */
package io.tributary.cluster.metadata;
