package io.tributary.cluster;

import io.tributary.config.Settings;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code cluster.*} settings, checked: where this node's Hazelcast member listens and how it is reached,
 * how it finds the others (a TCP-IP member list, or a Kubernetes headless Service by DNS), and how soon a
 * silent member counts as gone.
 *
 * @param advertisedHost the address the other nodes reach this one at: {@code cluster.advertised.host}, or
 *     {@code cluster.host} when that is empty; null when neither names one (a wildcard {@code cluster.host}
 *     and no advertised host: Hazelcast then picks an address of this machine)
 * @param members the TCP-IP member list, each {@code host:port} (or a host alone, for the default port)
 * @param kubernetesServiceDns the headless Service whose DNS records list the members; empty: use the list
 * @param failureTimeoutMillis how long a member may send no heartbeat before the others drop it
 */
public record ClusterSettings(
    boolean enabled,
    String name,
    String host,
    int port,
    String advertisedHost,
    List<String> members,
    String kubernetesServiceDns,
    int busPort,
    long failureTimeoutMillis) {

  public static final String WILDCARD = "0.0.0.0";

  public static ClusterSettings from(Settings settings) {
    String host = settings.string("cluster.host");
    // Hazelcast matches its interfaces by address, so a host name would fail only once the member starts.
    if (!host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && !host.contains(":")) {
      throw new IllegalArgumentException("setting 'cluster.host' must be an IP address (0.0.0.0: every interface), not '"
          + host + "'");
    }
    String advertised = settings.string("cluster.advertised.host");
    if (advertised.isEmpty()) advertised = host.equals(WILDCARD) ? null : host;
    String name = settings.string("cluster.name");
    if (name.isEmpty()) throw new IllegalArgumentException("setting 'cluster.name' must not be empty");
    int port = settings.integer("cluster.port");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("setting 'cluster.port' must be a port from 1 to 65535, not " + port);
    }
    int busPort = settings.integer("cluster.bus.port");
    if (busPort < 0 || busPort > 65535) {
      throw new IllegalArgumentException("setting 'cluster.bus.port' must be 0 (any) or a port up to 65535, not " + busPort);
    }
    long failureTimeout = settings.longValue("cluster.failure.timeout.ms");
    if (failureTimeout < 1000) {
      throw new IllegalArgumentException("setting 'cluster.failure.timeout.ms' must be at least 1000, not " + failureTimeout);
    }
    return new ClusterSettings(settings.bool("cluster.enabled"), name, host, port, advertised,
        members(settings.string("cluster.members")), settings.string("cluster.kubernetes.service.dns"), busPort,
        failureTimeout);
  }

  /** Parses {@code host:port,host:port}; Hazelcast 5.3 cannot parse port ranges, so they are refused here. */
  static List<String> members(String setting) {
    List<String> members = new ArrayList<>();
    for (String part : setting.split(",")) {
      String member = part.trim();
      if (member.isEmpty()) continue;
      int colon = member.lastIndexOf(':');
      if (colon >= 0) {
        String port = member.substring(colon + 1);
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
          throw new IllegalArgumentException("setting 'cluster.members': '" + member
              + "' is not host:port (one port from 1 to 65535, no ranges)");
        }
      }
      if (colon == 0) throw new IllegalArgumentException("setting 'cluster.members': '" + member + "' names no host");
      members.add(member);
    }
    return List.copyOf(members);
  }

  /** Whether members are found by a DNS lookup of a Kubernetes headless Service rather than the list. */
  public boolean kubernetesDiscovery() {
    return !kubernetesServiceDns.isEmpty();
  }
}
