package dev.tally.observability.testing;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;

import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

/**
 * For tests: the JSON lines this process logs at INFO and above from now until closed, as the deployed jars write
 * them (the same template), whatever the configured appenders and root level (the tests run at WARN).
 */
public final class CapturedLogs implements AutoCloseable {

    private final StringWriter out = new StringWriter();
    private final LoggerContext context;
    private final WriterAppender appender;
    private final Level rootLevel;

    private CapturedLogs() {
        context = (LoggerContext) LogManager.getContext(false);
        var configuration = context.getConfiguration();
        var layout = JsonTemplateLayout.newBuilder()
                .setConfiguration(configuration)
                .setEventTemplateUri("classpath:TallyLogLine.json")
                .build();
        appender = WriterAppender.newBuilder().setName("captured-" + System.identityHashCode(this))
                .setTarget(out).setLayout(layout).build();
        appender.start();
        configuration.addAppender(appender);
        rootLevel = configuration.getRootLogger().getLevel();
        configuration.getRootLogger().setLevel(Level.INFO);
        configuration.getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
    }

    public static CapturedLogs start() {
        return new CapturedLogs();
    }

    /** The lines so far, one JSON object each. */
    public synchronized List<String> lines() {
        var text = out.toString();
        return text.isEmpty() ? List.of() : Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    @Override
    public void close() {
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.getConfiguration().getRootLogger().setLevel(rootLevel);
        context.updateLoggers();
        appender.stop();
    }
}
