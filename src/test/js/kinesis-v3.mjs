// The AWS SDK for JavaScript v3 against a Tributary endpoint: its Kinesis client speaks JSON over HTTP/2
// for every call (h2c on an http:// endpoint). Creates a stream, puts and gets records, registers a
// consumer and reads it through SubscribeToShard: the records from TRIM_HORIZON, then one put while
// subscribed. Prints one JSON line with what it saw. Usage: node kinesis-v3.mjs ENDPOINT STREAM
import {
  KinesisClient, CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordsCommand, PutRecordCommand,
  ListShardsCommand, GetShardIteratorCommand, GetRecordsCommand, RegisterStreamConsumerCommand,
  DescribeStreamConsumerCommand, SubscribeToShardCommand,
} from "@aws-sdk/client-kinesis";

const [endpoint, stream] = process.argv.slice(2);
setTimeout(() => { console.error("timed out"); process.exit(2); }, 60_000).unref();

const kinesis = new KinesisClient({
  endpoint, region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId: "AKIDJS", secretAccessKey: "secret" },
});
const text = (bytes) => Buffer.from(bytes).toString("utf8");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check, what) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(what + " did not happen within 10 s");
}

await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
let status;
await until(async () => {
  status = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream })))
    .StreamDescriptionSummary.StreamStatus;
  return status === "ACTIVE";
}, "stream ACTIVE");

const put = await kinesis.send(new PutRecordsCommand({
  StreamName: stream,
  Records: [0, 1, 2].map((i) => ({ PartitionKey: "k", Data: Buffer.from("js-" + i) })),
}));
const shards = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards;
const iterator = (await kinesis.send(new GetShardIteratorCommand({
  StreamName: stream, ShardId: shards[0].ShardId, ShardIteratorType: "TRIM_HORIZON",
}))).ShardIterator;
const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));

const streamArn = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream })))
  .StreamDescriptionSummary.StreamARN;
const consumerArn = (await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: "js" })))
  .Consumer.ConsumerARN;
await until(async () => (await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn })))
  .ConsumerDescription.ConsumerStatus === "ACTIVE", "consumer ACTIVE");

const abort = new AbortController();
const subscription = await kinesis.send(new SubscribeToShardCommand({
  ConsumerARN: consumerArn, ShardId: shards[0].ShardId, StartingPosition: { Type: "TRIM_HORIZON" },
}), { abortSignal: abort.signal });
const subscribed = [];
let continuation = null;
let livePut = null;
try {
  for await (const event of subscription.EventStream) {
    const records = event.SubscribeToShardEvent?.Records ?? [];
    continuation = event.SubscribeToShardEvent?.ContinuationSequenceNumber ?? continuation;
    for (const record of records) subscribed.push(text(record.Data));
    if (subscribed.length >= 3 && livePut === null) {
      livePut = kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: "k", Data: Buffer.from("js-live") }));
    }
    if (subscribed.includes("js-live")) break;
  }
} finally {
  abort.abort();
}

console.log(JSON.stringify({
  protocol: kinesis.config.requestHandler.metadata?.handlerProtocol,
  status,
  failedRecordCount: put.FailedRecordCount,
  putSequenceNumbers: put.Records.map((r) => r.SequenceNumber),
  getRecords: page.Records.map((r) => text(r.Data)),
  getRecordsSequenceNumbers: page.Records.map((r) => r.SequenceNumber),
  subscribeStatus: subscription.$metadata.httpStatusCode,
  subscribed,
  livePutSequenceNumber: (await livePut)?.SequenceNumber,
  continuation,
}));
kinesis.destroy();
