"""boto3 against Tributary: create_stream, put_records, get_records, register_stream_consumer and
subscribe_to_shard (an event stream over HTTP/1.1, which botocore reads only after its initial-response
event). Usage: boto3_kinesis.py ENDPOINT STREAM. Prints one JSON object with what came back; exits 0."""
import json
import sys
import time

import boto3
from botocore.config import Config

endpoint, stream = sys.argv[1], sys.argv[2]
kinesis = boto3.client(
    "kinesis", endpoint_url=endpoint, region_name="us-east-1",
    aws_access_key_id="AKIDBOTO3", aws_secret_access_key="secret",
    config=Config(retries={"max_attempts": 1}, connect_timeout=10, read_timeout=30))


def wait_for(what, check, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise SystemExit("timed out waiting for " + what)


kinesis.create_stream(StreamName=stream, ShardCount=1)
wait_for("the stream", lambda: kinesis.describe_stream_summary(StreamName=stream)
         ["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE")
summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
stream_arn = summary["StreamARN"]

put = kinesis.put_records(StreamName=stream, Records=[
    {"Data": ("boto3-%d" % i).encode(), "PartitionKey": "key-%d" % i} for i in range(3)])
shard_id = put["Records"][0]["ShardId"]

iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard_id,
                                      ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
got = kinesis.get_records(ShardIterator=iterator)

consumer = kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName="boto3")["Consumer"]
consumer_arn = consumer["ConsumerARN"]
wait_for("the consumer", lambda: kinesis.describe_stream_consumer(ConsumerARN=consumer_arn)
         ["ConsumerDescription"]["ConsumerStatus"] == "ACTIVE")

subscription = kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=shard_id,
                                          StartingPosition={"Type": "TRIM_HORIZON"})
pushed = []
continuation = None
pushed_after_subscribing = False
deadline = time.time() + 30
events = subscription["EventStream"]
for event in events:
    records = event["SubscribeToShardEvent"]["Records"]
    continuation = event["SubscribeToShardEvent"].get("ContinuationSequenceNumber", continuation)
    pushed.extend(r["Data"].decode() for r in records)
    if len(pushed) >= 3 and not pushed_after_subscribing:
        kinesis.put_record(StreamName=stream, Data=b"boto3-live", PartitionKey="live")
        pushed_after_subscribing = True
    if len(pushed) >= 4 or time.time() > deadline:
        break
events.close()

print(json.dumps({
    "status": summary["StreamStatus"],
    "failedRecordCount": put["FailedRecordCount"],
    "putSequenceNumbers": [r["SequenceNumber"] for r in put["Records"]],
    "getRecords": [r["Data"].decode() for r in got["Records"]],
    "getRecordsSequenceNumbers": [r["SequenceNumber"] for r in got["Records"]],
    "subscribeStatus": subscription["ResponseMetadata"]["HTTPStatusCode"],
    "subscribed": pushed,
    "continuation": continuation,
}))
