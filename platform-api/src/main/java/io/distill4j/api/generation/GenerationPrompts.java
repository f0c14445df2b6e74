package io.distill4j.api.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.distill4j.api.Checks;
import io.distill4j.api.labelling.LabelDefinition;

/**
 * The one place generation prompts are made and answers read, shared by every {@link TextGenerationModel}
 * adapter and the data generator, so that the same request always sends the same prompt and the same answer
 * always yields the same texts.
 *
 * <p><b>Templates.</b> A template is the user message with these placeholders, each replaced in one pass (a
 * placeholder inside a description or an example is never expanded):
 * <ul>
 * <li>{@code {label}} — the label's name; required;</li>
 * <li>{@code {request}} — the number of this request among the label's requests, 1, 2, …; required, because
 *     answers are cached by prompt: without it every request for a label would be the same prompt and every
 *     later one would get the first one's answer back;</li>
 * <li>{@code {description}} — the label's description, or its name when it has none;</li>
 * <li>{@code {examples}} — the label's example texts (the user's own, as style examples), one
 *     {@code - text} line each under an {@code Examples of the style to follow:} line, or nothing when the
 *     label has none;</li>
 * <li>{@code {count}} — how many texts the request asks for.</li>
 * </ul>
 * Other braces are kept as written, so a template may show the JSON it expects.
 *
 * <p><b>Answers.</b> {@link #parseTexts} reads, in this order of preference:
 * <ol>
 * <li>a JSON array of strings — the first {@code [} at which one parses, so it may sit inside a Markdown code
 *     fence, inside an object such as the {@link #jsonSchema schema}'s {@code {"texts": [...]}}, or among other
 *     words;</li>
 * <li>otherwise lines: when any line starts with a list marker ({@code -}, {@code *}, {@code •}, {@code +},
 *     {@code 1.}, {@code 1)}, {@code (1)}) followed by a space, only the marked lines, marker removed (so a
 *     preamble such as "Here are five texts:" is not a text); when none does, every line except code-fence
 *     lines, lines ending in a colon and lines of nothing but brackets and commas (a JSON array cut off).</li>
 * </ol>
 * Every text is stripped of surrounding white space and of one pair of surrounding quotes
 * ({@code "}, {@code '}, {@code “ ”}) in the line form; blank texts are dropped. Duplicates are kept: the
 * generator's filters count them.
 */
public final class GenerationPrompts {

    /** The template of {@link GenerationSpec#builder}. */
    public static final String DEFAULT_TEMPLATE = """
            Write {count} new texts for training a text classifier. Every text must belong to the class \
            "{label}": {description}
            {examples}
            Vary the wording, length, tone and details from text to text, and do not copy the examples. This is \
            request {request} for this class, so write texts unlike those of the other requests.

            Answer with only a JSON array of {count} strings, one text per string.""";

    /** Longest template. */
    public static final int MAX_TEMPLATE_LENGTH = 20_000;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(label|request|description|examples|count)\\}");

    private static final Pattern MARKER = Pattern.compile("^(?:[-*\u2022+]|\\d{1,3}[.)]|\\(\\d{1,3}\\))\\s+");

    private static final Pattern BRACKETS = Pattern.compile("[\\[\\]{},]*");

    private GenerationPrompts() {
    }

    /**
     * {@code template}, checked: not blank, at most {@value #MAX_TEMPLATE_LENGTH} characters, with the
     * placeholders {@code {label}} and {@code {request}}.
     */
    public static String checkTemplate(String template) {
        Checks.notBlank(template, "generation.promptTemplate");
        if (template.length() > MAX_TEMPLATE_LENGTH) {
            throw new IllegalArgumentException("generation.promptTemplate must be at most " + MAX_TEMPLATE_LENGTH
                    + " characters, was " + template.length());
        }
        for (String required : List.of("{label}", "{request}")) {
            if (!template.contains(required)) {
                throw new IllegalArgumentException("generation.promptTemplate must hold the placeholder " + required
                        + ", was '" + abbreviate(template) + "'");
            }
        }
        return template;
    }

    /**
     * The prompt of request number {@code request} (from 1) for {@code label}, asking for {@code count} texts:
     * {@code template} with its placeholders filled in.
     */
    public static String render(String template, LabelDefinition label, int count, int request) {
        Matcher matcher = PLACEHOLDER.matcher(checkTemplate(template));
        Checks.notNull(label, "label");
        Checks.atLeast(count, 1, "count");
        Checks.atLeast(request, 1, "request");
        StringBuilder prompt = new StringBuilder(template.length() + 256);
        int last = 0;
        while (matcher.find()) {
            prompt.append(template, last, matcher.start());
            switch (matcher.group(1)) {
                case "label" -> prompt.append(label.name());
                case "request" -> prompt.append(request);
                case "count" -> prompt.append(count);
                case "description" -> prompt.append(label.description().isEmpty() ? label.name()
                        : label.description());
                default -> appendExamples(prompt, label);
            }
            last = matcher.end();
        }
        return prompt.append(template, last, template.length()).toString();
    }

    /**
     * A JSON Schema of the answer: an object with one required property {@code texts}, an array of strings.
     * Providers with native structured output constrain their answers to it (an object, since some accept no
     * other root); {@link #parseTexts} reads it.
     */
    public static String jsonSchema() {
        return "{\"type\":\"object\",\"properties\":{\"texts\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},"
                + "\"required\":[\"texts\"],\"additionalProperties\":false}";
    }

    /** The texts {@code answer} holds, read by the rules of this class; empty for a null or blank answer. */
    public static List<String> parseTexts(String answer) {
        if (answer == null || answer.isBlank()) {
            return List.of();
        }
        List<String> fromJson = null;
        for (int at = answer.indexOf('['); at >= 0; at = answer.indexOf('[', at + 1)) {
            List<String> parsed = new JsonStrings(answer, at).array();
            if (parsed != null) {
                if (!parsed.isEmpty()) {
                    return nonBlank(parsed, false);
                }
                fromJson = parsed;
            }
        }
        return fromJson != null ? fromJson : lines(answer);
    }

    private static List<String> lines(String answer) {
        List<String> marked = new ArrayList<>();
        List<String> plain = new ArrayList<>();
        for (String line : answer.split("\\R")) {
            String stripped = line.strip();
            Matcher marker = MARKER.matcher(stripped);
            if (marker.find()) {
                marked.add(stripped.substring(marker.end()));
            }
            else if (!stripped.startsWith("```") && !stripped.endsWith(":") && !BRACKETS.matcher(stripped).matches()) {
                plain.add(stripped);
            }
        }
        return nonBlank(marked.isEmpty() ? plain : marked, true);
    }

    private static List<String> nonBlank(List<String> texts, boolean unquote) {
        List<String> kept = new ArrayList<>(texts.size());
        for (String text : texts) {
            String stripped = unquote ? unquote(text.strip()) : text.strip();
            if (!stripped.isEmpty()) {
                kept.add(stripped);
            }
        }
        return List.copyOf(kept);
    }

    private static String unquote(String text) {
        String t = text.endsWith(",") && (text.startsWith("\"") || text.startsWith("'"))
                ? text.substring(0, text.length() - 1) : text;
        if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'")
                || t.startsWith("\u201c") && t.endsWith("\u201d"))) {
            return t.substring(1, t.length() - 1).strip();
        }
        return text;
    }

    private static void appendExamples(StringBuilder prompt, LabelDefinition label) {
        if (label.examples().isEmpty()) {
            return;
        }
        prompt.append("\nExamples of the style to follow:\n");
        for (String example : label.examples()) {
            prompt.append("- ").append(example.strip().replaceAll("\\s*\\R\\s*", " ")).append('\n');
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }

    /** A strict reader of one JSON array of strings, starting at a {@code [}; null when there is none there. */
    private static final class JsonStrings {

        private final String text;

        private int at;

        JsonStrings(String text, int at) {
            this.text = text;
            this.at = at;
        }

        List<String> array() {
            List<String> values = new ArrayList<>();
            this.at++;
            skipSpace();
            if (peek() == ']') {
                return values;
            }
            while (true) {
                skipSpace();
                String value = string();
                if (value == null) {
                    return null;
                }
                values.add(value);
                skipSpace();
                char next = peek();
                this.at++;
                if (next == ']') {
                    return values;
                }
                if (next != ',') {
                    return null;
                }
            }
        }

        private String string() {
            if (peek() != '"') {
                return null;
            }
            StringBuilder out = new StringBuilder();
            for (this.at++; this.at < this.text.length(); this.at++) {
                char c = this.text.charAt(this.at);
                if (c == '"') {
                    this.at++;
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (++this.at >= this.text.length()) {
                    return null;
                }
                char escaped = this.text.charAt(this.at);
                switch (escaped) {
                    case '"', '\\', '/' -> out.append(escaped);
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (this.at + 4 >= this.text.length()) {
                            return null;
                        }
                        try {
                            out.append((char) Integer.parseInt(this.text.substring(this.at + 1, this.at + 5), 16));
                        }
                        catch (NumberFormatException ex) {
                            return null;
                        }
                        this.at += 4;
                    }
                    default -> {
                        return null;
                    }
                }
            }
            return null;
        }

        private void skipSpace() {
            while (this.at < this.text.length() && Character.isWhitespace(this.text.charAt(this.at))) {
                this.at++;
            }
        }

        private char peek() {
            return this.at < this.text.length() ? this.text.charAt(this.at) : '\0';
        }
    }
}
