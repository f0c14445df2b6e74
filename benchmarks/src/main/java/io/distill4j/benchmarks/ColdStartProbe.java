package io.distill4j.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.distill4j.api.Classification;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.ModelId;
import io.distill4j.api.TaskType;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.session.ModelSession;

/**
 * The child JVM of {@link ColdStartBenchmark}'s model scenarios: opens an engine on a model repository, loads one
 * model, answers one text, then unloads it, loads it again and answers again, and prints the times as one
 * {@link ProbeTimes} line. Started fresh for every repetition, so that the first load pays what a new process
 * pays: class loading and JIT from nothing, ONNX Runtime's native library, the session and the tokenizer.
 *
 * <p>The moment the first answer returns it prints {@value ProbeTimes#FIRST_ANSWER} on its own line, so that the
 * parent can time the whole process, from its start to that answer, on its own clock.
 *
 * <p>With {@code phases} as a fourth argument it first pays, one by one and timed, the one-off costs that a first
 * load in a JVM carries, so that the load after them is what every further model pays: {@code ort} (ONNX Runtime's
 * environment, which loads its native library), {@code tokenizers} (DJL's tokenizers native library, through a
 * tokenizer of two words), {@code manifest} (the engine's first read of a version folder and its
 * {@code model.json}: JSON binding from cold). Each phase warms what the next would otherwise pay, so their sum
 * plus the load that follows approximates a cold load.
 *
 * <pre>
 * java -cp ... io.distill4j.benchmarks.ColdStartProbe &lt;repository&gt; &lt;model name&gt; &lt;text&gt; [phases]
 * </pre>
 * The engine runs with {@link EngineConfig}'s defaults on that repository. Exit status 0 on success, 1 with the
 * error on standard error otherwise. Any network connection is refused ({@link NetworkTripwire}).
 */
public final class ColdStartProbe {

    /** The fourth argument that times the one-off parts of a first load separately. */
    static final String PHASES = "phases";

    /** The smallest tokenizer that loads DJL's tokenizers library without parsing a real vocabulary. */
    private static final String TINY_TOKENIZER = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
            + "\"added_tokens\":[],\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Whitespace\"},"
            + "\"post_processor\":null,\"decoder\":null,\"model\":{\"type\":\"WordLevel\","
            + "\"vocab\":{\"[UNK]\":0,\"card\":1},\"unk_token\":\"[UNK]\"}}";

    private ColdStartProbe() {
    }

    /** Entry point of the child JVM; see the class javadoc. */
    public static void main(String[] args) {
        long mainAt = System.currentTimeMillis();
        if (args.length < 3 || args.length > 4 || (args.length == 4 && !PHASES.equals(args[3]))) {
            System.err.println("Usage: ColdStartProbe <repository> <model name> <text> [" + PHASES + "]");
            System.exit(2);
        }
        NetworkTripwire.install();
        try {
            ProbeTimes times = measure(Path.of(args[0]), args[1], args[2], args.length == 4, mainAt);
            System.out.println(times.line());
            System.out.flush();
        }
        catch (RuntimeException ex) {
            ex.printStackTrace();
            System.exit(1);
        }
    }

    private static ProbeTimes measure(Path repository, String model, String text, boolean phased, long mainAt) {
        long t0 = System.nanoTime();
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(repository)
                .build())) {
            long t1 = System.nanoTime();
            Map<String, Double> phases = phased ? payOneOffCosts(engine, model) : Map.of();
            long t1b = System.nanoTime();
            ModelDescriptor descriptor = engine.load(model);
            long t2 = System.nanoTime();
            String answer = answer(engine, descriptor.task(), model, text);
            long t3 = System.nanoTime();
            System.out.println(ProbeTimes.FIRST_ANSWER);
            System.out.flush();

            if (!engine.unload(model)) {
                throw new BenchmarkException("unload(" + model + ") found no loaded model");
            }
            long t4 = System.nanoTime();
            engine.load(model);
            long t5 = System.nanoTime();
            String again = answer(engine, descriptor.task(), model, text);
            long t6 = System.nanoTime();
            if (!again.equals(answer)) {
                throw new BenchmarkException("The reloaded model answered " + again + ", the first load " + answer);
            }
            // The JVM's start time is read only now: the management classes are not part of the timed path.
            long jvmToMain = mainAt - ManagementFactory.getRuntimeMXBean().getStartTime();
            return new ProbeTimes(jvmToMain, millis(t0, t1), millis(t1b, t2), millis(t2, t3), millis(t4, t5),
                    millis(t5, t6), answer, phases);
        }
    }

    /** The one-off parts of a first load, each timed; see the class javadoc. */
    private static Map<String, Double> payOneOffCosts(OnnxInferenceEngine engine, String model) {
        Map<String, Double> phases = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        ModelSession.environment();
        long t1 = System.nanoTime();
        phases.put("ort", millis(t0, t1));
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(TINY_TOKENIZER.getBytes(StandardCharsets.UTF_8)), Map.of())) {
            tokenizer.encode("card");
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot load the two-word tokenizer", ex);
        }
        long t2 = System.nanoTime();
        phases.put("tokenizers", millis(t1, t2));
        long version = engine.repository().latestVersion(model)
                .orElseThrow(() -> new BenchmarkException("No version of " + model + " in the repository"));
        engine.repository().resolve(new ModelId(model, version));
        phases.put("manifest", millis(t2, System.nanoTime()));
        return phases;
    }

    /** The top label of a classifier, or the dimension of an embedding. */
    private static String answer(OnnxInferenceEngine engine, TaskType task, String model, String text) {
        if (task == TaskType.TEXT_CLASSIFICATION) {
            Classification result = engine.classify(model, List.of(text), 1).get(0);
            return result.best().label();
        }
        float[] vector = engine.embed(model, text);
        return "vector[" + vector.length + "]";
    }

    private static double millis(long from, long to) {
        return (to - from) / 1e6;
    }
}
