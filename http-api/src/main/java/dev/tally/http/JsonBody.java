package dev.tally.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.domain.DisplayName;
import dev.tally.domain.InvalidAmountException;
import dev.tally.domain.Money;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's JSON object, read so that it means exactly one thing: a duplicate key anywhere, an unknown field, or
 * anything after the object is a 400 problem naming the field and the value, and a number keeps the text the client
 * sent (so {@code 1e2} is not silently read as {@code 100}).
 */
public final class JsonBody {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final ObjectNode fields;
    /** The number values of the top-level fields, as sent. */
    private final Map<String, String> numberTexts;

    private JsonBody(ObjectNode fields, Map<String, String> numberTexts) {
        this.fields = fields;
        this.numberTexts = numberTexts;
    }

    static JsonBody empty() {
        return new JsonBody(JSON.createObjectNode(), Map.of());
    }

    /** @throws ProblemException for text that is not exactly one JSON object with distinct keys at every level */
    static JsonBody parse(String text) {
        var numbers = new HashMap<String, String>();
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw malformed("the body must be a JSON object, was " + abbreviate(text), text);
            }
            var fields = (ObjectNode) read(parser, "", numbers);
            if (parser.nextToken() != null) {
                throw malformed("the body must hold one JSON object and nothing after it", text);
            }
            return new JsonBody(fields, numbers);
        } catch (JsonProcessingException e) {
            throw malformed("the body is not valid JSON: " + e.getOriginalMessage(), text);
        } catch (IOException e) {
            throw malformed("the body cannot be read: " + e.getMessage(), text);
        }
    }

    /**
     * The value at the parser's current token. Jackson keeps the last of duplicate keys, so objects are read here,
     * key by key, to refuse them, naming the key by its path ({@code note.a}) and the second value.
     *
     * @param topLevelNumbers gets the text of each number directly in the top-level object
     */
    private static JsonNode read(JsonParser parser, String path, Map<String, String> topLevelNumbers) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                var object = JSON.createObjectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    var name = parser.currentName();
                    var valueToken = parser.nextToken();
                    if (path.isEmpty() && valueToken.isNumeric()) {
                        topLevelNumbers.put(name, parser.getText());
                    }
                    var value = read(parser, path + name + ".", topLevelNumbers);
                    if (object.has(name)) {
                        var field = path + name;
                        throw new ProblemException(Problem.badRequest("duplicate-field", "Duplicate field",
                                "the field " + field + " appears more than once; the second value was "
                                        + abbreviate(value.toString()), field, abbreviate(value.toString())));
                    }
                    object.set(name, value);
                }
                return object;
            }
            case START_ARRAY -> {
                var array = JSON.createArrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(read(parser, path, topLevelNumbers));
                }
                return array;
            }
            default -> {
                return JSON.readTree(parser);
            }
        }
    }

    /** @throws ProblemException naming the first field (in name order) that is not one of {@code known} */
    public JsonBody allowOnly(String... known) {
        var allowed = Set.of(known);
        var unknown = new TreeSet<String>();
        fields.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            var name = unknown.first();
            var value = abbreviate(fields.get(name).toString());
            throw new ProblemException(Problem.badRequest("unknown-field", "Unknown field",
                    "the field " + name + " is not part of this request (it takes " + String.join(", ", new TreeSet<>(Arrays.asList(known)))
                            + "), was " + value, name, value));
        }
        return this;
    }

    /** The {@code amount} field: a JSON number or a string, either spelled as {@link Money#parseAmount} allows. */
    public Money amount() {
        var node = fields.get("amount");
        if (node == null) {
            throw new ProblemException(Problem.badRequest("invalid-amount", "Invalid amount", "amount is required", "amount", null));
        }
        if (!node.isNumber() && !node.isTextual()) {
            // null, booleans, arrays and objects are not amounts
            throw new ProblemException(Problem.badRequest("invalid-amount", "Invalid amount",
                    "amount must be a decimal number or a string, was " + node, "amount", node.toString()));
        }
        var raw = node.isNumber() ? numberTexts.get("amount") : node.textValue();
        try {
            return Money.parseAmount(raw);
        } catch (InvalidAmountException e) {
            throw new ProblemException(Problem.badRequest("invalid-amount", "Invalid amount", e.getMessage(), "amount", e.value()));
        }
    }

    /**
     * The optional {@code displayName} field: absent or null for none, else a string that {@link DisplayName} allows,
     * exactly as sent (never trimmed or cut).
     */
    public String displayName() {
        var node = fields.get("displayName");
        if (node == null || node.isNull()) {
            return null;
        }
        var value = abbreviate(node.isTextual() ? node.textValue() : node.toString());
        if (!node.isTextual()) {
            throw new ProblemException(Problem.badRequest("invalid-display-name", "Invalid display name",
                    "displayName must be a string, was " + value, "displayName", value));
        }
        try {
            return DisplayName.require(node.textValue());
        } catch (IllegalArgumentException e) {
            throw new ProblemException(Problem.badRequest("invalid-display-name", "Invalid display name",
                    e.getMessage() + ", was \"" + value + "\"", "displayName", value));
        }
    }

    private static ProblemException malformed(String detail, String body) {
        return new ProblemException(Problem.badRequest("invalid-json", "Malformed JSON", detail, "body", abbreviate(body)));
    }

    static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }
}
