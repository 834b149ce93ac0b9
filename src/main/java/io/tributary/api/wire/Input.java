package io.tributary.api.wire;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * A decoded request structure: every member present has already been converted to its declared type by
 * {@link Shape#decode}: strings, {@code Long} for integers, {@code Boolean}, {@code byte[]} for blobs,
 * {@code Long} epoch milliseconds for timestamps, {@code List}, {@code Map<String,String>} and nested Input.
 */
public final class Input {
  private final Map<String, Object> values;

  Input(Map<String, Object> values) {
    this.values = values;
  }

  Object raw(String name) { return values.get(name); }

  public boolean has(String name) { return values.containsKey(name); }

  public String string(String name) { return (String) values.get(name); }

  public Integer integer(String name) {
    Long value = (Long) values.get(name);
    return value == null ? null : value.intValue();
  }

  public int integer(String name, int absent) {
    Integer value = integer(name);
    return value == null ? absent : value;
  }

  public Long longValue(String name) { return (Long) values.get(name); }

  public Boolean bool(String name) { return (Boolean) values.get(name); }

  public byte[] blob(String name) { return (byte[]) values.get(name); }

  /** A timestamp in epoch milliseconds. */
  public Long timestamp(String name) { return (Long) values.get(name); }

  public Input structure(String name) { return (Input) values.get(name); }

  @SuppressWarnings("unchecked")
  public List<Input> structures(String name) { return (List<Input>) values.get(name); }

  @SuppressWarnings("unchecked")
  public List<String> strings(String name) { return (List<String>) values.get(name); }

  @SuppressWarnings("unchecked")
  public Map<String, String> stringMap(String name) { return (Map<String, String>) values.get(name); }

  /**
   * The structure as a JSON document, for settings kept as given: members by wire name in the shape's
   * order, nested structures and maps as objects, lists as arrays, blobs as base64, timestamps as epoch
   * milliseconds.
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    values.forEach((name, value) -> json.put(name, jsonValue(value)));
    return json;
  }

  private static Object jsonValue(Object value) {
    if (value instanceof Input nested) return nested.toJson();
    if (value instanceof List<?> list) {
      JsonArray array = new JsonArray();
      for (Object element : list) array.add(jsonValue(element));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      JsonObject object = new JsonObject();
      map.forEach((key, entry) -> object.put((String) key, entry));
      return object;
    }
    return value;
  }
}
