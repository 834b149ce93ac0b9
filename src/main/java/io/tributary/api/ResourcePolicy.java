package io.tributary.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A resource-based policy (the IAM policy JSON that PutResourcePolicy stores on a stream or consumer), read
 * once and asked whether it allows or denies a caller an action on a resource, as IAM evaluates one policy:
 * an explicit Deny wins over any Allow, and no matching statement decides nothing.
 *
 * <p>Understood: {@code Statement} as an object or an array; {@code Effect} Allow or Deny; {@code Principal}
 * {@code "*"} or {@code {"AWS": ...}} with a 12-digit account, {@code arn:aws:iam::<account>:root} (both
 * mean any caller of that account), any other IAM ARN (that exact caller) or {@code "*"}, one or a list;
 * {@code NotPrincipal}; {@code Action} / {@code NotAction} ({@code kinesis:GetRecords}, wildcards {@code *}
 * and {@code ?}, case-insensitive); {@code Resource} / {@code NotResource} (wildcards, case-sensitive; a
 * statement without either covers the resource the policy is attached to). This server does not evaluate
 * conditions, so a statement with a {@code Condition} is taken the safe way: an Allow with one grants
 * nothing, a Deny with one applies.
 */
public final class ResourcePolicy {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final ResourcePolicy EMPTY = new ResourcePolicy(List.of());

  /** What one policy says about a request. */
  public enum Decision { ALLOW, EXPLICIT_DENY, NOT_ALLOWED }

  /** Who asks for what: the caller's principal ARN and account, the action and the resource's ARN. */
  public record Request(String principalArn, String account, String action, String resourceArn) {
  }

  private record Statement(boolean allow, List<String> principals, boolean notPrincipal, List<Pattern> actions,
                           boolean notAction, List<Pattern> resources, boolean notResource, boolean conditional) {
  }

  private final List<Statement> statements;

  private ResourcePolicy(List<Statement> statements) {
    this.statements = statements;
  }

  /** The policy a JSON text holds; a text that is no policy allows and denies nothing. */
  public static ResourcePolicy parse(String text) {
    try {
      JsonNode document = JSON.readTree(text);
      JsonNode statementNode = document == null ? null : document.get("Statement");
      if (statementNode == null) return EMPTY;
      List<Statement> statements = new ArrayList<>();
      for (JsonNode statement : statementNode.isArray() ? statementNode : List.of(statementNode)) {
        Statement parsed = statement(statement);
        if (parsed != null) statements.add(parsed);
      }
      return new ResourcePolicy(List.copyOf(statements));
    } catch (Exception e) {
      return EMPTY;
    }
  }

  /** A statement, or null for one that cannot apply to anything (no known Effect, no principal or action). */
  private static Statement statement(JsonNode node) {
    if (!node.isObject()) return null;
    String effect = node.path("Effect").asText("");
    if (!effect.equals("Allow") && !effect.equals("Deny")) return null;
    boolean notPrincipal = !node.has("Principal") && node.has("NotPrincipal");
    JsonNode principal = notPrincipal ? node.get("NotPrincipal") : node.get("Principal");
    boolean notAction = !node.has("Action") && node.has("NotAction");
    JsonNode action = notAction ? node.get("NotAction") : node.get("Action");
    if (principal == null || action == null) return null;
    boolean notResource = !node.has("Resource") && node.has("NotResource");
    JsonNode resource = notResource ? node.get("NotResource") : node.get("Resource");
    List<String> principals = principal.isTextual() ? List.of(principal.asText()) : strings(principal.get("AWS"));
    return new Statement(effect.equals("Allow"), principals, notPrincipal, patterns(action, Pattern.CASE_INSENSITIVE),
        notAction, resource == null ? null : patterns(resource, 0), notResource, node.has("Condition"));
  }

  private static List<String> strings(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node == null) return values;
    for (JsonNode value : node.isArray() ? node : List.of(node)) {
      if (value.isTextual()) values.add(value.asText());
    }
    return values;
  }

  private static List<Pattern> patterns(JsonNode node, int flags) {
    return strings(node).stream().map(value -> wildcard(value, flags)).toList();
  }

  public Decision evaluate(Request request) {
    boolean allowed = false;
    for (Statement statement : statements) {
      if (!applies(statement, request)) continue;
      if (!statement.allow()) return Decision.EXPLICIT_DENY;
      if (!statement.conditional()) allowed = true;
    }
    return allowed ? Decision.ALLOW : Decision.NOT_ALLOWED;
  }

  private static boolean applies(Statement statement, Request request) {
    boolean principal = statement.principals().stream().anyMatch(p -> namesCaller(p, request));
    if (principal == statement.notPrincipal()) return false;
    boolean action = statement.actions().stream().anyMatch(a -> a.matcher(request.action()).matches());
    if (action == statement.notAction()) return false;
    if (statement.resources() == null) return true;
    boolean resource = statement.resources().stream().anyMatch(r -> r.matcher(request.resourceArn()).matches());
    return resource != statement.notResource();
  }

  private static boolean namesCaller(String principal, Request request) {
    if (principal.equals("*")) return true;
    if (ACCOUNT.matcher(principal).matches()) return principal.equals(request.account());
    if (principal.matches("arn:aws[a-z-]*:iam::\\d{12}:root")) {
      return principal.substring(principal.indexOf("::") + 2, principal.lastIndexOf(':')).equals(request.account());
    }
    return principal.equals(request.principalArn());
  }

  /** An IAM pattern: {@code *} any run of characters, {@code ?} any one, all else literal. */
  private static Pattern wildcard(String pattern, int flags) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      if (c == '*' || c == '?') {
        if (!literal.isEmpty()) regex.append(Pattern.quote(literal.toString()));
        literal.setLength(0);
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (!literal.isEmpty()) regex.append(Pattern.quote(literal.toString()));
    return Pattern.compile(regex.toString(), Pattern.DOTALL | flags);
  }
}
