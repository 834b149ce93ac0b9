package io.tributary.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;

/** One scrape of a live server's {@code /metrics}, over HTTP as Prometheus does it, parsed into samples. */
public final class PrometheusScrape {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A sample line: {@code name{label="value",...} value}. */
  public record Sample(String name, Map<String, String> labels, double value) { }

  private final List<Sample> samples;

  private PrometheusScrape(List<Sample> samples) {
    this.samples = samples;
  }

  public static PrometheusScrape of(URI managementEndpoint) {
    HttpRequest request = HttpRequest.newBuilder(managementEndpoint.resolve("/metrics")).timeout(Duration.ofSeconds(30)).build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) throw new AssertionError("/metrics answered " + response.statusCode());
      return parse(response.body());
    } catch (IOException e) {
      throw new AssertionError("cannot scrape " + managementEndpoint, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static PrometheusScrape parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      Map<String, String> labels = new LinkedHashMap<>();
      String name;
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        int i = brace + 1;
        while (line.charAt(i) != '}') {
          int equals = line.indexOf('=', i);
          String label = line.substring(i, equals);
          StringBuilder value = new StringBuilder();
          int j = equals + 2;
          for (; line.charAt(j) != '"'; j++) {
            if (line.charAt(j) == '\\') j++;
            value.append(line.charAt(j));
          }
          labels.put(label, value.toString());
          i = j + 1;
          if (line.charAt(i) == ',') i++;
        }
      } else {
        name = line.substring(0, space);
      }
      samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
    }
    return new PrometheusScrape(samples);
  }

  public List<Sample> samples() { return samples; }

  /** The sum of the samples of the name whose labels include all of the given ones; 0 when there is none. */
  public double sum(String name, Map<String, String> labels) {
    return matching(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  public List<Sample> matching(String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
  }

  public boolean has(String name, Map<String, String> labels) {
    return !matching(name, labels).isEmpty();
  }

  /** Whether a metric family of the name exists: its samples, or its histogram's or summary's series. */
  public boolean hasFamily(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name) || s.name().equals(name + "_bucket")
        || s.name().equals(name + "_count") || s.name().equals(name + "_sum"));
  }

  /** Scrapes until the sum satisfies the test or the deadline passes; returns the last sum. */
  public static double await(URI managementEndpoint, String name, Map<String, String> labels, DoublePredicate test,
      Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      double value = of(managementEndpoint).sum(name, labels);
      if (test.test(value) || System.nanoTime() > deadline) return value;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return value;
      }
    }
  }
}
