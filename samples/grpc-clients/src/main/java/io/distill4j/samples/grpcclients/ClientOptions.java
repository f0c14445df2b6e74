package io.distill4j.samples.grpcclients;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.distill4j.api.exception.InvalidInputException;

/**
 * The sample clients' command line: {@code --name value} or {@code --name=value} options from a fixed
 * set, then positional arguments ({@code --} ends the options). A bad command line fails with an
 * {@link InvalidInputException} whose field is the flag.
 */
final class ClientOptions {

    private final Map<String, String> values;

    private final List<String> positional;

    private ClientOptions(Map<String, String> values, List<String> positional) {
        this.values = values;
        this.positional = positional;
    }

    /**
     * @param args the command line
     * @param known the flags that take a value, e.g. {@code --target}
     * @throws InvalidInputException naming the flag: unknown, repeated, or without its value
     */
    static ClientOptions parse(String[] args, Set<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                positional.addAll(List.of(args).subList(i + 1, args.length));
                break;
            }
            if (!arg.startsWith("--") || !positional.isEmpty()) {
                positional.add(arg);
                continue;
            }
            int equals = arg.indexOf('=');
            String flag = equals > 0 ? arg.substring(0, equals) : arg;
            if (!known.contains(flag)) {
                throw new InvalidInputException(null, flag, "is not an option; the options are " + String.join(", ",
                        known));
            }
            String value;
            if (equals > 0) {
                value = arg.substring(equals + 1);
            }
            else if (i + 1 < args.length) {
                value = args[++i];
            }
            else {
                throw new InvalidInputException(null, flag, "needs a value");
            }
            if (values.putIfAbsent(flag, value) != null) {
                throw new InvalidInputException(null, flag, "is given twice");
            }
        }
        return new ClientOptions(values, List.copyOf(positional));
    }

    /** The value of a flag, if given. */
    Optional<String> value(String flag) {
        return Optional.ofNullable(this.values.get(flag));
    }

    /** The value of a flag, or {@code fallback}. */
    String value(String flag, String fallback) {
        return this.values.getOrDefault(flag, fallback);
    }

    /**
     * A flag's value as a whole number from 1 to {@code max}, if given.
     * @throws InvalidInputException naming the flag and the range
     */
    Optional<Long> positive(String flag, long max) {
        return value(flag).map(text -> {
            try {
                long value = Long.parseLong(text);
                if (value >= 1 && value <= max) {
                    return value;
                }
            }
            catch (NumberFormatException ex) {
                // reported below
            }
            throw new InvalidInputException(null, flag, "must be a whole number from 1 to " + max + ", got '" + text
                    + "'");
        });
    }

    /** The arguments after the options. */
    List<String> positional() {
        return this.positional;
    }
}
