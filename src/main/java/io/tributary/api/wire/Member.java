package io.tributary.api.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * One member of a request structure: its wire name, type and rules, in the order AWS checks them.
 * Lists name the shape of their elements: a structure, or a scalar member whose rules apply to each.
 */
public final class Member {
  final String name;
  final String path;
  final MemberType type;
  final List<Constraint> constraints = new ArrayList<>();
  Shape structure;
  Member element;
  /** How AWS prints one element of this list in a validation message, when not the element itself. */
  String elementText;
  /** The member whose presence makes this one optional (StreamARN for StreamName), or null. */
  String requiredUnless;
  /** Whether a null is listed among a refused request's violations: see {@link #listedWithOthers()}. */
  boolean listedWithOthers;

  private Member(String name, MemberType type) {
    this.name = name;
    this.path = Character.toLowerCase(name.charAt(0)) + name.substring(1);
    this.type = type;
  }

  public static Member string(String name) { return new Member(name, MemberType.STRING); }

  public static Member integer(String name) { return new Member(name, MemberType.INTEGER); }

  public static Member longValue(String name) { return new Member(name, MemberType.LONG); }

  public static Member bool(String name) { return new Member(name, MemberType.BOOLEAN); }

  public static Member blob(String name) { return new Member(name, MemberType.BLOB); }

  public static Member timestamp(String name) { return new Member(name, MemberType.TIMESTAMP); }

  public static Member map(String name) { return new Member(name, MemberType.MAP); }

  public static Member structure(String name, Shape shape) {
    Member member = new Member(name, MemberType.STRUCTURE);
    member.structure = shape;
    return member;
  }

  public static Member listOf(String name, Shape elementShape, String elementText) {
    Member member = new Member(name, MemberType.LIST);
    member.structure = elementShape;
    member.elementText = elementText;
    return member;
  }

  public static Member listOf(String name, Member element) {
    Member member = new Member(name, MemberType.LIST);
    member.element = element;
    return member;
  }

  public Member notNull() { return rule(Constraint.notNull()); }

  /**
   * Must not be null unless {@code other} is present: AWS lists a missing StreamName among the other
   * violations when no StreamARN names the stream either.
   */
  public Member requiredUnless(String other) {
    requiredUnless = other;
    return this;
  }

  /**
   * A member the stream may waive (PartitionKey, which AUTO streams do without) but others require: when
   * absent it is listed among the violations of a request refused anyway, in its place, so the caller
   * learns of every missing member at once; alone it refuses nothing, and the stream decides.
   */
  public Member listedWithOthers() {
    listedWithOthers = true;
    return this;
  }

  public Member pattern(String regex) { return rule(Constraint.pattern(regex)); }

  public Member minLength(int min) { return rule(Constraint.minLength(min)); }

  public Member maxLength(int max) { return rule(Constraint.maxLength(max)); }

  public Member length(int min, int max) { return minLength(min).maxLength(max); }

  /** For a list of strings: the length bounds of every element. */
  public Member elementLength(int min, int max) { return rule(Constraint.elementLengths(min, max)); }

  /** For a map: the length bounds of every key. */
  public Member keyLength(int min, int max) { return rule(Constraint.keyLengths(min, max)); }

  /** For a map: the length bounds of every value. */
  public Member valueLength(int min, int max) { return rule(Constraint.valueLengths(min, max)); }

  public Member min(long min) { return rule(Constraint.minValue(min)); }

  public Member max(long max) { return rule(Constraint.maxValue(max)); }

  public Member oneOf(List<String> values) { return rule(Constraint.oneOf(values)); }

  public Member rule(Constraint constraint) {
    constraints.add(constraint);
    return this;
  }

  public String name() { return name; }
}
