package io.distill4j.pipeline.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.api.labelling.LabelledText;
import io.distill4j.api.labelling.LabellingModel;
import io.distill4j.api.labelling.LabellingRequest;
import io.distill4j.api.labelling.LabellingResult;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.api.labelling.TargetSource;

/**
 * An in-process stand-in for a large language model, for tests of what the distiller does around one: it
 * answers the label whose keyword the text holds (a one-hot {@link TargetSource#SINGLE_ANSWER}), and on
 * demand fails transiently the first times a text is asked, answers outside the set, or refuses for good.
 * It counts every call and the most calls in flight at once.
 */
public final class KeywordLabellingModel implements LabellingModel {

    private final Map<String, String> keywords;

    private final int transientFailuresPerText;

    private final Predicate<String> outOfSet;

    private final Predicate<String> refused;

    private final long delayMillis;

    public final AtomicInteger calls = new AtomicInteger();

    public final AtomicInteger inFlight = new AtomicInteger();

    public final AtomicInteger maxInFlight = new AtomicInteger();

    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

    /**
     * @param keywords a keyword per label name: the first label whose keyword the text holds is the answer
     * @param transientFailuresPerText how often each text fails with a rate limit before it is answered
     * @param outOfSet texts answered outside the label set on every attempt
     * @param refused texts that fail for good (a non-transient error)
     * @param delayMillis how long each call takes
     */
    public KeywordLabellingModel(Map<String, String> keywords, int transientFailuresPerText, Predicate<String> outOfSet,
            Predicate<String> refused, long delayMillis) {
        this.keywords = keywords;
        this.transientFailuresPerText = transientFailuresPerText;
        this.outOfSet = outOfSet;
        this.refused = refused;
        this.delayMillis = delayMillis;
    }

    public static KeywordLabellingModel answering(Map<String, String> keywords) {
        return new KeywordLabellingModel(keywords, 0, text -> false, text -> false, 0);
    }

    @Override
    public String id() {
        return "keywords:test";
    }

    @Override
    public LabellingResult label(LabellingRequest request) {
        this.calls.incrementAndGet();
        int now = this.inFlight.incrementAndGet();
        this.maxInFlight.accumulateAndGet(now, Math::max);
        try {
            if (this.delayMillis > 0) {
                Thread.sleep(this.delayMillis);
            }
            List<LabelledText> answers = new ArrayList<>();
            for (String text : request.texts()) {
                if (this.failures.computeIfAbsent(text, t -> new AtomicInteger()).getAndIncrement()
                        < this.transientFailuresPerText) {
                    throw new TransientException(ErrorCode.OVERLOADED, id(), "429 Too Many Requests");
                }
                if (this.refused.test(text)) {
                    throw new InvalidInputException(id(), "request", "401 invalid API key");
                }
                int attempts = request.options().attempts();
                LabellingUsage usage = new LabellingUsage(1, request.prompt(0).length() / 4, 5);
                if (this.outOfSet.test(text)) {
                    answers.add(LabelledText.unanswered(attempts, new LabellingUsage(attempts,
                            usage.promptTokens() * attempts, 5L * attempts)));
                    continue;
                }
                List<Double> probabilities = new ArrayList<>();
                String answer = answer(text, request.labels().names());
                for (String label : request.labels().names()) {
                    probabilities.add(label.equals(answer) ? 1.0 : 0.0);
                }
                answers.add(LabelledText.of(probabilities, TargetSource.SINGLE_ANSWER, 0, usage));
            }
            return new LabellingResult(answers);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new TransientException(ErrorCode.TIMEOUT, id(), "interrupted");
        }
        finally {
            this.inFlight.decrementAndGet();
        }
    }

    private String answer(String text, List<String> labels) {
        for (String label : labels) {
            String keyword = this.keywords.get(label);
            if (keyword != null && text.toLowerCase(Locale.ROOT).contains(keyword)) {
                return label;
            }
        }
        return labels.get(labels.size() - 1);
    }
}
