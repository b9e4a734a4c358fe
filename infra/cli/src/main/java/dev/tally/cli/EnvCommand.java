package dev.tally.cli;

import dev.tally.devstack.DevStack;
import dev.tally.http.ApiScopes;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Prints the export lines that point the AWS CLI and SDKs at the running stack. */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = {"Print export lines pointing the AWS CLI at the running stack.",
                "For the stack ./tally up is running: the DynamoDB, DynamoDB Streams, Kinesis, S3, Firehose and Athena "
                        + "endpoints, the region, credentials and the API URL. For example:",
                "  eval \"$(./tally env)\" && aws dynamodb scan --table-name events"})
final class EnvCommand implements Callable<Integer> {

    static final String PID = "TALLY_STACK_PID";
    /** The export holding a ready token (alice's, an hour, reading and writing). */
    static final String TOKEN = "TALLY_TOKEN";

    @Override
    public Integer call() throws IOException {
        Map<String, String> values;
        try {
            values = StackEnvironment.running();
        } catch (IllegalStateException notRunning) {
            System.err.println("tally: " + notRunning.getMessage());
            return 1;
        }
        // a ready token for the README's curl examples (alice, reading and writing, for an hour), minted before any
        // line is printed, so that a failure leaves no half-applied eval
        var token = TokenCommand.mint(values, "alice", ApiScopes.OWNER, DevStack.TOKEN_TTL);
        values.forEach((name, value) -> System.out.println("export " + name + "=" + quote(value)));
        System.out.println("export " + TOKEN + "=" + token);
        return 0;
    }

    static Map<String, String> read(Path file) throws IOException {
        var values = new LinkedHashMap<String, String>();
        for (var line : Files.readAllLines(file)) {
            var cut = line.indexOf('=');
            if (cut > 0 && !line.startsWith("#")) {
                values.put(line.substring(0, cut), line.substring(cut + 1));
            }
        }
        return values;
    }

    static void write(Path file, Map<String, String> values) throws IOException {
        Files.createDirectories(file.getParent());
        var text = new StringBuilder("# written by ./tally up; removed when it stops\n");
        values.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        var temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, text);
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String quote(String value) {
        return value.matches("[A-Za-z0-9_./:@-]*") ? value : "'" + value.replace("'", "'\\''") + "'";
    }
}
