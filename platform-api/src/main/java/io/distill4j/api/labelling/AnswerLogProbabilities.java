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
 *     (a label equal to the answer's follows it to its end);</li>
 * <li>where the label leaves the generated path, it takes the probability of the alternatives at that position
 *     that start its remaining text; labels that leave at the same alternative share its probability equally
 *     (what follows an alternative is not returned by any API);</li>
 * <li>a label that ends where the answer goes on (a prefix of the chosen label) takes the probability of the
 *     alternatives that end a value there: a closing quote, or anything that is not a letter, digit or
 *     {@code _}/{@code -} in the bare form;</li>
 * <li>a label that no returned alternative starts has probability 0.</li>
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
        List<Divergence> divergences = new ArrayList<>(labels.size());
        Map<String, Integer> sharers = new HashMap<>();
        for (String name : labels.names()) {
            Divergence divergence = follow(name, tokens, first, lead, quoted);
            divergences.add(divergence);
            divergence.alternatives.forEach(key -> sharers.merge(divergence.position + "\u0000" + key, 1,
                    Integer::sum));
        }
        double[] probabilities = new double[labels.size()];
        double total = 0;
        for (int i = 0; i < probabilities.length; i++) {
            Divergence divergence = divergences.get(i);
            double leaving = divergence.alternatives.isEmpty() ? (divergence.position < 0 ? 1.0 : 0.0) : 0.0;
            for (String key : divergence.alternatives) {
                leaving += Math.exp(tokens.get(divergence.position).alternatives().get(key))
                        / sharers.get(divergence.position + "\u0000" + key);
            }
            probabilities[i] = Math.exp(divergence.logProbability) * leaving;
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
     * Where a label leaves the generated path: the log-probability of the path up to there, the position
     * ({@code -1} when it follows the path to its own end) and the alternatives there that continue or end it.
     */
    private record Divergence(double logProbability, int position, List<String> alternatives) {
    }

    private static Divergence follow(String name, List<Token> tokens, int first, String lead, boolean quoted) {
        String remaining = name;
        double logProbability = 0;
        for (int position = first; position < tokens.size(); position++) {
            String strip = position == first ? lead : "";
            Token token = tokens.get(position);
            String generated = token.text().substring(strip.length());
            if (remaining.isEmpty()) {
                // The label has ended; the answer must end its value here.
                if (ends(generated, quoted)) {
                    return new Divergence(logProbability, -1, List.of());
                }
                return new Divergence(logProbability, position, matching(token, strip, "", quoted));
            }
            if (!generated.isEmpty() && remaining.startsWith(generated)) {
                logProbability += token.logProbability();
                remaining = remaining.substring(generated.length());
                continue;
            }
            if (generated.startsWith(remaining) && ends(generated.substring(remaining.length()), quoted)) {
                return new Divergence(logProbability + token.logProbability(), -1, List.of());
            }
            return new Divergence(logProbability, position, matching(token, strip, remaining, quoted));
        }
        return new Divergence(logProbability, -1, List.of());
    }

    /** The alternatives at {@code token}'s position that start {@code remaining}, or end a value when it is "". */
    private static List<String> matching(Token token, String strip, String remaining, boolean quoted) {
        List<String> keys = new ArrayList<>();
        for (String alternative : token.alternatives().keySet()) {
            if (!alternative.startsWith(strip) || alternative.equals(token.text())) {
                continue;
            }
            String text = alternative.substring(strip.length());
            boolean continues = !text.isEmpty() && !remaining.isEmpty()
                    && (remaining.startsWith(text) || text.startsWith(remaining)
                            && ends(text.substring(remaining.length()), quoted));
            boolean endsHere = remaining.isEmpty() && ends(text, quoted);
            if (continues || endsHere) {
                keys.add(alternative);
            }
        }
        keys.sort(null);
        return keys;
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
