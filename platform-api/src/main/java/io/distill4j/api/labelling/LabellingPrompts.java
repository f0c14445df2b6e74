package io.distill4j.api.labelling;

import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.distill4j.api.Checks;

/**
 * The one place prompts are made and answers read, shared by every {@link LabellingModel} adapter so that the
 * same request always sends the same prompt and the same answer always means the same label.
 *
 * <p><b>Templates.</b> A template is the user message with three placeholders, each replaced in one pass (a
 * placeholder inside the text or a label is never expanded):
 * <ul>
 * <li>{@code {text}} — the text to label; required;</li>
 * <li>{@code {labels}} — one line per label, {@code - name: description} (or {@code - name});</li>
 * <li>{@code {examples}} — the labels' example texts as {@code Text: ...} / {@code Label: ...} pairs under an
 *     {@code Examples:} line, or nothing when no label has examples.</li>
 * </ul>
 * Other braces are kept as written, so a template may show the JSON it expects.
 *
 * <p><b>Answers.</b> {@link #parseAnswer} accepts the JSON object {@code {"label": "..."}} that the
 * {@link #jsonSchema schema} asks for (also inside a Markdown code fence, or with text around it), or a bare
 * label; the label must equal a name of the set, or equal exactly one name when case is ignored. Anything
 * else is out of the set.
 */
public final class LabellingPrompts {

    /** The template of {@link LabellingOptions#ofDefaults()}. */
    public static final String DEFAULT_TEMPLATE = """
            Classify the text into exactly one of the labels below.

            Labels:
            {labels}
            {examples}
            Text:
            {text}

            Answer with only a JSON object of the form {"label": "<label>"}, where <label> is one of the labels \
            above, written exactly as listed.""";

    /** Longest template. */
    public static final int MAX_TEMPLATE_LENGTH = 20_000;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(text|labels|examples)\\}");

    /** The {@code "label": "..."} field of a JSON answer; group 1 is the value as written. */
    static final Pattern LABEL_FIELD = Pattern.compile("\"label\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private LabellingPrompts() {
    }

    /**
     * {@code template}, checked: not blank, at most {@value #MAX_TEMPLATE_LENGTH} characters, with a
     * {@code {text}} placeholder.
     */
    public static String checkTemplate(String template) {
        Checks.notBlank(template, "options.promptTemplate");
        if (template.length() > MAX_TEMPLATE_LENGTH) {
            throw new IllegalArgumentException("options.promptTemplate must be at most " + MAX_TEMPLATE_LENGTH
                    + " characters, was " + template.length());
        }
        if (!template.contains("{text}")) {
            throw new IllegalArgumentException("options.promptTemplate must hold the placeholder {text}, was '"
                    + abbreviate(template) + "'");
        }
        return template;
    }

    /** The prompt for {@code text}: {@code template} with its placeholders filled in. */
    public static String render(String template, LabelSet labels, String text) {
        Matcher matcher = PLACEHOLDER.matcher(checkTemplate(template));
        StringBuilder prompt = new StringBuilder(template.length() + text.length() + 64 * labels.size());
        int last = 0;
        while (matcher.find()) {
            prompt.append(template, last, matcher.start());
            switch (matcher.group(1)) {
                case "text" -> prompt.append(text);
                case "labels" -> appendLabels(prompt, labels);
                default -> appendExamples(prompt, labels);
            }
            last = matcher.end();
        }
        return prompt.append(template, last, template.length()).toString();
    }

    /**
     * A JSON Schema of the answer: an object with one required property {@code label} whose value is one of
     * the set's names. Providers with native structured output constrain their answers to it.
     */
    public static String jsonSchema(LabelSet labels) {
        StringBuilder schema = new StringBuilder("{\"type\":\"object\",\"properties\":{\"label\":{\"type\":\"string\","
                + "\"enum\":[");
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                schema.append(',');
            }
            quote(schema, labels.labels().get(i).name());
        }
        return schema.append("]}},\"required\":[\"label\"],\"additionalProperties\":false}").toString();
    }

    /** The position in {@code labels} of the label {@code answer} names, or empty when it names none. */
    public static OptionalInt parseAnswer(String answer, LabelSet labels) {
        if (answer == null) {
            return OptionalInt.empty();
        }
        Matcher field = LABEL_FIELD.matcher(answer);
        String label;
        if (field.find()) {
            label = unescape(field.group(1));
        }
        else {
            label = answer.strip();
            if (label.startsWith("{") || label.startsWith("`") || label.contains("\n")) {
                return OptionalInt.empty();
            }
            if (label.length() >= 2 && (label.startsWith("\"") && label.endsWith("\"")
                    || label.startsWith("'") && label.endsWith("'"))) {
                label = label.substring(1, label.length() - 1);
            }
            if (label.endsWith(".") && labels.indexOf(label) < 0) {
                label = label.substring(0, label.length() - 1);
            }
        }
        label = label.strip();
        int exact = labels.indexOf(label);
        if (exact >= 0) {
            return OptionalInt.of(exact);
        }
        int found = -1;
        String lower = label.toLowerCase(Locale.ROOT);
        for (int i = 0; i < labels.size(); i++) {
            if (labels.labels().get(i).name().toLowerCase(Locale.ROOT).equals(lower)) {
                if (found >= 0) {
                    return OptionalInt.empty();
                }
                found = i;
            }
        }
        return found >= 0 ? OptionalInt.of(found) : OptionalInt.empty();
    }

    private static void appendLabels(StringBuilder prompt, LabelSet labels) {
        for (int i = 0; i < labels.size(); i++) {
            LabelDefinition label = labels.labels().get(i);
            if (i > 0) {
                prompt.append('\n');
            }
            prompt.append("- ").append(label.name());
            if (!label.description().isEmpty()) {
                prompt.append(": ").append(label.description());
            }
        }
    }

    private static void appendExamples(StringBuilder prompt, LabelSet labels) {
        if (labels.labels().stream().allMatch(label -> label.examples().isEmpty())) {
            return;
        }
        prompt.append("\nExamples:\n");
        for (LabelDefinition label : labels.labels()) {
            for (String example : label.examples()) {
                prompt.append("Text: ").append(example).append("\nLabel: ").append(label.name()).append("\n\n");
            }
        }
    }

    private static void quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    }
                    else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static String unescape(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\\' || i + 1 == value.length()) {
                out.append(c);
                continue;
            }
            char next = value.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    int code = i + 4 < value.length() ? hex(value.substring(i + 1, i + 5)) : -1;
                    if (code >= 0) {
                        out.append((char) code);
                        i += 4;
                    }
                    else {
                        out.append("\\u");
                    }
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }

    private static int hex(String digits) {
        try {
            return Integer.parseInt(digits, 16);
        }
        catch (NumberFormatException ex) {
            return -1;
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
