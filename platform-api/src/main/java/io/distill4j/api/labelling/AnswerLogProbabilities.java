package io.distill4j.api.labelling;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;

/**
 * A distribution over a label set read from the token log-probabilities of one answer, as chat-completion APIs
 * return them ({@code logprobs.content}: per generated token, its log-probability and the most likely
 * alternatives at that position). Shared by every adapter that gets log-probabilities, so the same answer always
 * gives the same distribution.
 *
 * <p><b>How.</b> The answer is read with {@link LabellingPrompts#parseAnswer}; the label's value starts at a
 * character of the answer (after {@code "label": "} in the JSON form, at the name in the bare form). From the
 * token holding that character, each label is followed along the tokens:
 * <ul>
 * <li>while the label's remaining text starts with the generated token, the token's log-probability is added
 *     (a label equal to the answer's follows it to its end, where the token that closes the value counts too);</li>
 * <li>at every position on that way, each alternative that continues the label's remaining text there — or that
 *     ends the value, for a label that ends there (a prefix of the chosen one) — adds the probability of the path
 *     up to there times its own; labels spelled by the same alternative at the same position share it equally
 *     (what follows an alternative is not returned by any API);</li>
 * <li>a value ends at a closing quote, or in the bare form at anything that is not a letter, digit, {@code _}
 *     or {@code -};</li>
 * <li>a label that no returned token spells has probability 0.</li>
 * </ul>
 * The probabilities are then normalised over the label set (mass on answers outside it is dropped). For labels
 * that are one token each — and for any label set, at the position where the labels differ — this is exactly
 * the model's distribution restricted to the top alternatives.
 *
 * <p>{@link #distribution} is empty when the answer names no label, the tokens do not spell the answer, or no
 * label has any probability; the caller then uses the answer alone.
 */
public final class AnswerLogProbabilities {

    /** The most alternatives per position OpenAI-compatible APIs return ({@code top_logprobs}). */
    public static final int MAX_ALTERNATIVES = 20;

    private AnswerLogProbabilities() {
    }

    /**
     * One generated token.
     *
     * @param text the token's text
     * @param logProbability its natural-log probability
     * @param alternatives the most likely tokens at its position, with theirs (the token itself may be among
     *     them)
     */
    public record Token(String text, double logProbability, Map<String, Double> alternatives) {

        public Token {
            Objects.requireNonNull(text, "text");
            alternatives = Map.copyOf(alternatives);
        }
    }

    /** The distribution over {@code labels} that {@code tokens} give for {@code answer}, if they give one. */
    public static Optional<List<Double>> distribution(String answer, List<Token> tokens, LabelSet labels) {
        if (answer == null || tokens.isEmpty()) {
            return Optional.empty();
        }
        OptionalInt chosen = LabellingPrompts.parseAnswer(answer, labels);
        StringBuilder spelled = new StringBuilder(answer.length());
        tokens.forEach(token -> spelled.append(token.text()));
        if (chosen.isEmpty() || !spelled.toString().equals(answer)) {
            return Optional.empty();
        }
        String chosenName = labels.names().get(chosen.getAsInt());
        Matcher field = LabellingPrompts.LABEL_FIELD.matcher(answer);
        boolean quoted = field.find();
        int start = quoted ? field.start(1) : answer.indexOf(chosenName);
        if (start < 0 || !answer.regionMatches(start, chosenName, 0, chosenName.length())) {
            // A case-insensitive match ("Card" for "card"): the tokens spell another text than any label.
            return Optional.empty();
        }
        int first = 0;
        int offset = 0;
        while (offset + tokens.get(first).text().length() <= start) {
            offset += tokens.get(first).text().length();
            first++;
        }
        String lead = answer.substring(offset, start);
        List<List<Event>> events = new ArrayList<>(labels.size());
        Map<String, Integer> sharers = new HashMap<>();
        for (String name : labels.names()) {
            List<Event> own = follow(name, tokens, first, lead, quoted);
            events.add(own);
            own.stream().filter(event -> event.key() != null)
                    .forEach(event -> sharers.merge(event.key(), 1, Integer::sum));
        }
        double[] probabilities = new double[labels.size()];
        double total = 0;
        for (int i = 0; i < probabilities.length; i++) {
            for (Event event : events.get(i)) {
                probabilities[i] += Math.exp(event.logProbability())
                        / (event.key() == null ? 1 : sharers.get(event.key()));
            }
            total += probabilities[i];
        }
        if (!(total > 0)) {
            return Optional.empty();
        }
        List<Double> distribution = new ArrayList<>(probabilities.length);
        for (double probability : probabilities) {
            distribution.add(probability / total);
        }
        return Optional.of(distribution);
    }

    /**
     * One way the answer could have spelled a label: the log-probability of the tokens up to and including the
     * last one known, and — when that last one is an alternative, after which nothing is known — the position and
     * the alternative, which every label spelled the same way up to there shares; {@code null} for a spelling
     * along the generated tokens to the end of the value.
     */
    private record Event(double logProbability, String key) {
    }

    /**
     * The spellings of {@code name}: along the generated tokens as far as they spell it, and at each position on
     * the way through every alternative that continues or ends it there.
     */
    private static List<Event> follow(String name, List<Token> tokens, int first, String lead, boolean quoted) {
        List<Event> events = new ArrayList<>();
        String remaining = name;
        double path = 0;
        for (int position = first; position < tokens.size(); position++) {
            String strip = position == first ? lead : "";
            Token token = tokens.get(position);
            for (Map.Entry<String, Double> alternative : token.alternatives().entrySet()) {
                String text = alternative.getKey();
                if (text.equals(token.text()) || !text.startsWith(strip)) {
                    continue;
                }
                if (spells(remaining, text.substring(strip.length()), quoted)) {
                    events.add(new Event(path + alternative.getValue(), position + "\u0000" + text));
                }
            }
            String generated = token.text().substring(strip.length());
            if (remaining.isEmpty() || generated.startsWith(remaining) && !generated.equals(remaining)) {
                if (spells(remaining, generated, quoted)) {
                    events.add(new Event(path + token.logProbability(), null));
                }
                return events;
            }
            if (generated.isEmpty() || !remaining.startsWith(generated)) {
                return events;
            }
            path += token.logProbability();
            remaining = remaining.substring(generated.length());
        }
        if (remaining.isEmpty()) {
            events.add(new Event(path, null));
        }
        return events;
    }

    /**
     * Whether a token {@code text}, where {@code remaining} of a label is still to come, spells a part of it: it
     * starts the rest, or it holds the rest and then ends the value (with nothing left, a token that ends it).
     */
    private static boolean spells(String remaining, String text, boolean quoted) {
        if (remaining.isEmpty()) {
            return ends(text, quoted);
        }
        return !text.isEmpty() && (remaining.startsWith(text)
                || text.startsWith(remaining) && ends(text.substring(remaining.length()), quoted));
    }

    /** Whether {@code text} (what follows a label) ends the value: a closing quote, or a non-word character. */
    private static boolean ends(String text, boolean quoted) {
        if (text.isEmpty()) {
            return false;
        }
        char next = text.charAt(0);
        return quoted ? next == '"' : !(Character.isLetterOrDigit(next) || next == '_' || next == '-');
    }
}
