package dev.tally.standins.apigateway;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The token's claims as API Gateway hands them to a payload 2.0 integration in
 * {@code requestContext.authorizer.jwt.claims}: a map of strings, not of JSON values. The payload page
 * (<a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html">Create
 * AWS Lambda proxy integrations for HTTP APIs</a>) shows {@code "claims": {"claim1": "value1"}}, and events captured
 * from real HTTP APIs show how other JSON values are flattened, which is copied here:
 * <ul>
 *   <li>numbers become their decimal text: {@code "exp": "1612061676"}</li>
 *   <li>booleans become {@code "true"} / {@code "false"}</li>
 *   <li>arrays become their elements between brackets, separated by spaces: {@code cognito:groups} →
 *       {@code "[admin poweruser]"}</li>
 *   <li>objects become {@code map[key:value ...]} with the keys sorted (the way Go prints a map, as reported in
 *       aws/aws-lambda-go#570)</li>
 *   <li>claims whose value is {@code null} are left out</li>
 * </ul>
 * So a handler that needs an array claim must parse that text, in AWS and here alike.
 */
final class JwtClaimValues {

    private JwtClaimValues() {
    }

    static Map<String, String> flatten(Map<String, Object> claims) {
        var flattened = new LinkedHashMap<String, String>();
        claims.forEach((name, value) -> {
            if (value != null) {
                flattened.put(name, render(value));
            }
        });
        return flattened;
    }

    private static String render(Object value) {
        return switch (value) {
            case null -> "<nil>";
            case String text -> text;
            case Boolean bool -> bool.toString();
            case Double number -> BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
            case Float number -> BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
            case Number number -> number.toString();
            case List<?> list -> list.stream().map(JwtClaimValues::render).collect(Collectors.joining(" ", "[", "]"));
            case Map<?, ?> map -> {
                var sorted = new TreeMap<String, String>();
                map.forEach((key, member) -> sorted.put(String.valueOf(key), render(member)));
                yield sorted.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                        .collect(Collectors.joining(" ", "map[", "]"));
            }
            default -> throw new IllegalArgumentException("unexpected claim value of type " + value.getClass().getName());
        };
    }
}
