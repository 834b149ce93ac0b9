package io.tributary.api.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The event-stream frames, byte for byte against the test vectors the AWS SDKs' codecs decode. */
class EventStreamEncoderTest {
  private static final String INITIAL_RESPONSE = "00000068000000564e6817240d3a6d6573736167652d747970650700056576656e740b3a6576656e742d747970650700"
      + "10696e697469616c2d726573706f6e73650d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a73"
      + "6f6e7b7dfe942c1d";
  private static final String EVENT = "000001860000005b6c61c1820d3a6d6573736167652d747970650700056576656e740b3a6576656e742d747970650700"
      + "15537562736372696265546f53686172644576656e740d3a636f6e74656e742d747970650700106170706c6963617469"
      + "6f6e2f6a736f6e7b225265636f726473223a5b7b2253657175656e63654e756d626572223a2234393534363938363638"
      + "33313335353434323836353037343537393336333231363235363735373030313932343731313536373835313534222c"
      + "22417070726f78696d6174654172726976616c54696d657374616d70223a313432313237393338362e302c2244617461"
      + "223a22614756736247383d222c22506172746974696f6e4b6579223a22706b227d5d2c22436f6e74696e756174696f6e"
      + "53657175656e63654e756d626572223a2234393534363938363638333133353534343238363530373435373933363332"
      + "31363235363735373030313932343731313536373835313534222c224d696c6c6973426568696e644c6174657374223a"
      + "307d223ce822";
  private static final String EXCEPTION = "000000a400000064aa5a437e0d3a6d6573736167652d74797065070009657863657074696f6e0f3a657863657074696f"
      + "6e2d747970650700165265736f75726365496e557365457863657074696f6e0d3a636f6e74656e742d74797065070010"
      + "6170706c69636174696f6e2f6a736f6e7b226d657373616765223a22416e6f7468657220616374697665207375627363"
      + "72697074696f6e20657869737473227dba79d822";

  @Test
  void initialResponseMatchesTheVector() {
    assertEquals(INITIAL_RESPONSE, hex(EventStreamEncoder.initialResponse()));
  }

  @Test
  void subscribeToShardEventMatchesTheVector() {
    String payload = "{\"Records\":[{\"SequenceNumber\":\"49546986683135544286507457936321625675700192471156785154\","
        + "\"ApproximateArrivalTimestamp\":1421279386.0,\"Data\":\"aGVsbG8=\",\"PartitionKey\":\"pk\"}],"
        + "\"ContinuationSequenceNumber\":\"49546986683135544286507457936321625675700192471156785154\","
        + "\"MillisBehindLatest\":0}";
    assertEquals(EVENT, hex(EventStreamEncoder.event("SubscribeToShardEvent", Buffer.buffer(payload))));
  }

  @Test
  void exceptionMatchesTheVector() {
    assertEquals(EXCEPTION, hex(EventStreamEncoder.exception("ResourceInUseException", "Another active subscription exists")));
  }

  @Test
  void lengthsAndChecksumsDescribeTheFrame() {
    Buffer frame = EventStreamEncoder.event("SubscribeToShardEvent", Buffer.buffer("{\"Records\":[]}"));
    ByteBuffer bytes = ByteBuffer.wrap(frame.getBytes());
    int total = bytes.getInt(0);
    int headers = bytes.getInt(4);
    assertEquals(frame.length(), total);
    assertEquals(crc(frame.getBytes(0, 8)), Integer.toUnsignedLong(bytes.getInt(8)));
    assertEquals(crc(frame.getBytes(0, total - 4)), Integer.toUnsignedLong(bytes.getInt(total - 4)));
    assertEquals("{\"Records\":[]}", frame.getString(12 + headers, total - 4));
  }

  @Test
  void refusesEmptyHeaderValues() {
    assertThrows(IllegalArgumentException.class, () -> EventStreamEncoder.frame(Buffer.buffer("{}"), ":event-type", ""));
  }

  private static long crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }

  private static String hex(Buffer buffer) {
    return HexFormat.of().formatHex(buffer.getBytes());
  }
}
