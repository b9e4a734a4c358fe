package dev.tally.standins.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stream records read with the SDK v2 as the {@link DynamodbEvent} Lambda hands a function, as Lambda's own poller
 * builds it: every field of the record, the images as the Lambda events library's attribute values, and the
 * mapping's stream ARN as each record's {@code eventSourceARN}.
 */
public final class DynamodbEvents {

    private DynamodbEvents() {
    }

    /** @param region for a record that names none */
    public static DynamodbEvent of(List<Record> records, String streamArn, String region) {
        var event = new DynamodbEvent();
        var converted = new ArrayList<DynamodbEvent.DynamodbStreamRecord>();
        for (var record : records) {
            var change = record.dynamodb();
            var streamRecord = new StreamRecord()
                    .withApproximateCreationDateTime(Date.from(change.approximateCreationDateTime()))
                    .withKeys(image(change.keys()))
                    .withSequenceNumber(change.sequenceNumber())
                    .withSizeBytes(change.sizeBytes())
                    .withStreamViewType(StreamViewType.fromValue(change.streamViewTypeAsString()));
            if (change.hasNewImage()) {
                streamRecord.setNewImage(image(change.newImage()));
            }
            if (change.hasOldImage()) {
                streamRecord.setOldImage(image(change.oldImage()));
            }
            var lambdaRecord = new DynamodbEvent.DynamodbStreamRecord();
            lambdaRecord.setEventSourceARN(streamArn);
            lambdaRecord.setEventID(record.eventID());
            lambdaRecord.setEventName(record.eventNameAsString());
            lambdaRecord.setEventVersion(record.eventVersion());
            lambdaRecord.setEventSource(record.eventSource());
            lambdaRecord.setAwsRegion(record.awsRegion() == null ? region : record.awsRegion());
            lambdaRecord.setDynamodb(streamRecord);
            converted.add(lambdaRecord);
        }
        event.setRecords(converted);
        return event;
    }

    static Map<String, AttributeValue> image(Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> image) {
        var converted = new LinkedHashMap<String, AttributeValue>();
        image.forEach((name, value) -> converted.put(name, value(value)));
        return converted;
    }

    static AttributeValue value(software.amazon.awssdk.services.dynamodb.model.AttributeValue value) {
        var result = new AttributeValue();
        switch (value.type()) {
            case S -> result.setS(value.s());
            case N -> result.setN(value.n());
            case B -> result.setB(value.b().asByteBuffer());
            case BOOL -> result.setBOOL(value.bool());
            case NUL -> result.setNULL(true);
            case M -> result.setM(image(value.m()));
            case L -> result.setL(value.l().stream().map(DynamodbEvents::value).toList());
            case SS -> result.setSS(value.ss());
            case NS -> result.setNS(value.ns());
            case BS -> result.setBS(value.bs().stream().map(b -> b.asByteBuffer()).toList());
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("unknown attribute type in " + value);
        }
        return result;
    }
}
