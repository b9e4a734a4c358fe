package dev.tally.standins.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class StreamRecordLogTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void records_appended_at_once_by_many_writers_are_all_in_the_file_in_sequence_order_when_it_is_read_again(
            @TempDir Path dir) throws Exception {
        var file = dir.resolve("records.ndjson");
        var log = new StreamRecordLog(json, Optional.of(file));
        int writers = 16;
        int each = 50;
        var start = new CountDownLatch(1);
        var acknowledged = new ArrayList<String>();
        try (var pool = Executors.newFixedThreadPool(writers)) {
            var futures = new ArrayList<Future<java.util.List<String>>>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    start.await();
                    var mine = new ArrayList<String>();
                    for (int i = 0; i < each; i++) {
                        mine.add(StreamRecordLog.sequenceOf(log.append(record(writer + "-" + i), Instant.now())));
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (var future : futures) {
                acknowledged.addAll(future.get());
            }
        }
        assertThat(log.latestSequence()).as("every acknowledged record is visible").isEqualTo(acknowledged.stream().max(
                java.util.Comparator.naturalOrder()).orElseThrow());
        log.close();

        var reread = new StreamRecordLog(json, Optional.of(file)).after(null, 10_000);

        var sequences = reread.stream().map(StreamRecordLog::sequenceOf).toList();
        assertThat(sequences).hasSize(writers * each).isSorted();
        assertThat(new HashSet<>(sequences)).as("no sequence number twice").hasSize(writers * each)
                .containsAll(acknowledged);
    }

    private ObjectNode record(String id) {
        var record = json.createObjectNode().put("eventID", id);
        record.putObject("dynamodb").put("ApproximateCreationDateTime", Instant.now().getEpochSecond());
        return record;
    }
}
