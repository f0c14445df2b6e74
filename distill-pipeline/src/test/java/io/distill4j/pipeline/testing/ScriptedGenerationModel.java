package io.distill4j.pipeline.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.api.generation.GenerationRequest;
import io.distill4j.api.generation.GenerationResult;
import io.distill4j.api.generation.TextGenerationModel;
import io.distill4j.api.labelling.LabellingUsage;

/**
 * An in-process stand-in for a large language model that writes texts, for tests of what the generator does
 * around one. It is not a language model: a script decides the texts of each request (so a test can plant exact
 * and near duplicates, texts out of bounds or of another label); on demand each prompt fails transiently the
 * first times it is asked, or every request is refused for good. It counts every call, the most calls in flight
 * at once, and keeps every request.
 */
public final class ScriptedGenerationModel implements TextGenerationModel {

    private final Function<GenerationRequest, List<String>> script;

    /** Rate-limit failures each prompt gets before it is answered. */
    public volatile int transientFailuresPerPrompt;

    /** Whether every request fails with a non-transient error (a refused key). */
    public volatile boolean refuse;

    /** How long each call takes. */
    public volatile long delayMillis;

    public final AtomicInteger calls = new AtomicInteger();

    public final AtomicInteger inFlight = new AtomicInteger();

    public final AtomicInteger maxInFlight = new AtomicInteger();

    /** Every request, in arrival order. */
    public final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();

    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

    /** @param script the texts the answer to a request holds */
    public ScriptedGenerationModel(Function<GenerationRequest, List<String>> script) {
        this.script = script;
    }

    @Override
    public String id() {
        return "scripted:test";
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        this.calls.incrementAndGet();
        this.requests.add(request);
        int now = this.inFlight.incrementAndGet();
        this.maxInFlight.accumulateAndGet(now, Math::max);
        try {
            if (this.delayMillis > 0) {
                Thread.sleep(this.delayMillis);
            }
            if (this.refuse) {
                throw new InvalidInputException(id(), "request", "401 invalid API key");
            }
            if (this.failures.computeIfAbsent(request.prompt(), p -> new AtomicInteger()).getAndIncrement()
                    < this.transientFailuresPerPrompt) {
                throw new TransientException(ErrorCode.OVERLOADED, id(), "429 Too Many Requests");
            }
            List<String> texts = this.script.apply(request);
            return GenerationResult.of(texts, new LabellingUsage(1, request.prompt().length() / 4,
                    texts.stream().mapToInt(String::length).sum() / 4));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new TransientException(ErrorCode.TIMEOUT, id(), "interrupted");
        }
        finally {
            this.inFlight.decrementAndGet();
        }
    }

    /** The request number a prompt rendered from the default template carries ("request N for this class"). */
    public static int requestNumber(GenerationRequest request) {
        String prompt = request.prompt();
        int at = prompt.indexOf("This is request ") + "This is request ".length();
        int end = prompt.indexOf(' ', at);
        return Integer.parseInt(prompt.substring(at, end));
    }
}
