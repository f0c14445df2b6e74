package io.distill4j.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.api.Tensor;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.OnnxModelReader.ParsedModel;
import io.distill4j.engine.onnx.compat.CompatibilityChecker;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.engine.onnx.compat.CompatibilityTarget;
import io.distill4j.engine.onnx.compat.ModelInventory;
import io.distill4j.engine.onnx.compat.Preflight;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;
import io.distill4j.engine.onnx.quant.AccuracyGate;
import io.distill4j.engine.onnx.quant.Int8Quantizer;
import io.distill4j.engine.onnx.quant.QuantizationConfig;
import io.distill4j.engine.onnx.quant.QuantizationResult;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.engine.text.TokenizedText;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code distill4j onnx inventory|check|quantize}: the engine's ONNX tooling on a file, without a server. Models
 * are read with the safe reader (a corrupt or forged file is reported, not crashed on).
 */
@Command(name = "onnx", mixinStandardHelpOptions = true,
        description = "ONNX tooling: a model's inventory, its compatibility with ONNX Runtime, INT8 quantization.",
        subcommands = { OnnxCommand.Inventory.class, OnnxCommand.Check.class, OnnxCommand.Quantize.class },
        footer = { "", ExitCodes.HELP })
final class OnnxCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw Distill4jCli.missingCommand(this.spec);
    }

    @Command(name = "inventory", mixinStandardHelpOptions = true, description = "Operators per domain, opset "
            + "imports, tensor types, dynamic dimensions and external data of a model.")
    static final class Inventory implements Callable<Integer> {

        @Parameters(paramLabel = "model.onnx")
        Path model;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            ModelInventory inventory = ModelInventory.of(OnnxModelReader.ofDefaults().read(this.model));
            System.out.println(this.json ? inventory.toJson() : inventory.toTable());
            return ExitCodes.OK;
        }
    }

    /** The execution providers {@code check} can target. */
    enum Provider {
        CPU, CUDA
    }

    @Command(name = "check", mixinStandardHelpOptions = true, description = { "Operator compatibility with ONNX "
            + "Runtime on CPU, or on CUDA falling back to CPU: the verdict, each node that falls back or cannot "
            + "run and why, the other nodes per operator.", "Exit status 3 when the model is incompatible." })
    static final class Check implements Callable<Integer> {

        @Parameters(paramLabel = "model.onnx")
        Path model;

        @Option(names = "--provider", paramLabel = "cpu|cuda", defaultValue = "cpu",
                description = "The provider to check for (default: ${DEFAULT-VALUE}).")
        Provider provider;

        @Option(names = "--preflight", description = "Also create a real session with each provider.")
        boolean preflight;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            CompatibilityTarget target = this.provider == Provider.CUDA ? CompatibilityTarget.cuda()
                    : CompatibilityTarget.cpu();
            Path name = this.model.getFileName();
            ParsedModel parsed = OnnxModelReader.ofDefaults().readWithBytes(this.model, name == null
                    ? this.model.toString() : name.toString());
            CompatibilityReport report = CompatibilityChecker.check(parsed.model(), target);
            if (this.preflight) {
                SessionConfig config = SessionConfig.ofDefaults();
                report = report.withPreflight(parsed.usesExternalData() ? Preflight.run(this.model, target, config)
                        : Preflight.run(parsed.bytes(), target, config));
            }
            System.out.println(this.json ? report.toJson() : report.toTable());
            return report.verdict() == CompatibilityVerdict.INCOMPATIBLE ? ExitCodes.INCOMPATIBLE : ExitCodes.OK;
        }
    }

    @Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false, description = {
        "Dynamic INT8 quantization of a model, printed: what was quantized, excluded and skipped, the sizes.",
        "With --gate-texts, each line of the file (up to 256) is a sample compared with the float model (mean "
                + "cosine of the outputs, or argmax agreement with --classifier); while the gate fails, up to "
                + "--max-exclusions nodes go back to float; the model is written only if it passes (exit status 1 "
                + "otherwise)." })
    static final class Quantize implements Callable<Integer> {

        /** The most sample lines read from {@code --gate-texts}. */
        static final int MAX_GATE_TEXTS = 256;

        @Parameters(index = "0", paramLabel = "in.onnx")
        Path input;

        @Parameters(index = "1", paramLabel = "out.onnx")
        Path output;

        @Option(names = "--per-tensor", description = "One scale per weight tensor instead of per channel.")
        boolean perTensor;

        @Option(names = "--full-range", description = "Use the full 8-bit range (no reduce-range).")
        boolean fullRange;

        @Option(names = "--no-embeddings", description = "Keep embedding tables (Gather) in float.")
        boolean noEmbeddings;

        @Option(names = "--per-row-activations", description = "Quantize activations row by row: a text's "
                + "outputs then do not depend on the other texts of its batch (slower than one scale per run).")
        boolean perRowActivations;

        @Option(names = "--exclude", paramLabel = "node", split = ",", description = "Nodes to keep in float.")
        List<String> exclude = List.of();

        @Option(names = "--exclude-type", paramLabel = "MatMul|Gemm|Gather", split = ",",
                description = "Operator types to keep in float.")
        List<String> excludeTypes = List.of();

        @Option(names = "--max-exclusions", paramLabel = "n", defaultValue = "8",
                description = "Nodes the gate may put back to float (default: ${DEFAULT-VALUE}).")
        int maxExclusions;

        @ArgGroup(exclusive = false)
        Gate gate;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        /** The accuracy gate's options: both files, then the thresholds. */
        static final class Gate {

            @Option(names = "--gate-texts", paramLabel = "file", required = true,
                    description = "Sample sentences, one per line (UTF-8).")
            Path texts;

            @Option(names = "--tokenizer", paramLabel = "tokenizer.json", required = true,
                    description = "The model's tokenizer.")
            Path tokenizer;

            @Option(names = "--classifier", description = "Gate on argmax agreement and probabilities, not "
                    + "cosine.")
            boolean classifier;

            @Option(names = "--min-cosine", paramLabel = "x", defaultValue = "0.98",
                    description = "Least mean cosine (default: ${DEFAULT-VALUE}).")
            double minCosine;

            @Option(names = "--min-agreement", paramLabel = "x", defaultValue = "0.99",
                    description = "--classifier: least argmax agreement (default: ${DEFAULT-VALUE}).")
            double minAgreement;

            @Option(names = "--max-prob-diff", paramLabel = "x", defaultValue = "0.05",
                    description = "--classifier: largest probability difference (default: ${DEFAULT-VALUE}).")
            double maxProbabilityDifference;
        }

        @Override
        public Integer call() throws IOException {
            if (this.maxExclusions < 0) {
                throw new InvalidInputException(null, "--max-exclusions", "must be a whole number >= 0, got "
                        + this.maxExclusions);
            }
            QuantizationConfig.Builder config = QuantizationConfig.builder().perChannel(!this.perTensor)
                .reduceRange(!this.fullRange).quantizeEmbeddings(!this.noEmbeddings)
                .perRowActivations(this.perRowActivations)
                .maxGateExclusions(this.maxExclusions);
            if (!this.exclude.isEmpty()) {
                config.excludeNodes(this.exclude);
            }
            if (!this.excludeTypes.isEmpty()) {
                try {
                    config.excludeOpTypes(this.excludeTypes.toArray(String[]::new));
                }
                catch (IllegalArgumentException ex) {
                    throw new InvalidInputException(null, "--exclude-type", ex.getMessage());
                }
            }
            ModelProto model = OnnxModelReader.ofDefaults().read(this.input);
            AccuracyGate accuracyGate = null;
            if (this.gate != null) {
                List<Map<String, Tensor>> samples = samples(model, this.gate.texts, this.gate.tokenizer);
                accuracyGate = this.gate.classifier
                        ? AccuracyGate.classifier(samples, this.gate.minAgreement, this.gate.maxProbabilityDifference)
                        : AccuracyGate.embeddings(samples, this.gate.minCosine);
            }
            QuantizationResult result = new Int8Quantizer(config.build()).quantize(model, accuracyGate);
            if (result.passed()) {
                result.writeTo(this.output);
            }
            if (this.json) {
                System.out.println(result.toJson());
            }
            else {
                System.out.print(result.summary());
                System.out.println(result.passed() ? "Wrote " + this.output : "Nothing written.");
            }
            return result.passed() ? ExitCodes.OK : ExitCodes.FAILED;
        }

        /** One sample per non-blank line, tokenized for the model's text inputs. */
        private static List<Map<String, Tensor>> samples(ModelProto model, Path texts, Path tokenizerFile)
                throws IOException {
            Set<String> inputs = model.getGraph().getInputList().stream().map(ValueInfoProto::getName)
                .collect(Collectors.toSet());
            if (!inputs.contains("input_ids")) {
                throw new InvalidInputException(null, "--gate-texts", "needs a text model with an 'input_ids' input; "
                        + "this one has " + inputs);
            }
            List<String> lines;
            try {
                lines = Arrays.asList(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(texts)))
                    .toString().split("\\R"));
            }
            catch (CharacterCodingException ex) {
                throw new InvalidInputException(null, "--gate-texts", texts + " is not valid UTF-8");
            }
            List<String> sentences = lines.stream().filter(line -> !line.isBlank()).limit(MAX_GATE_TEXTS).toList();
            if (sentences.isEmpty()) {
                throw new InvalidInputException(null, "--gate-texts", texts + " has no non-blank line");
            }
            List<Map<String, Tensor>> samples = new ArrayList<>();
            try (TextTokenizer tokenizer = TextTokenizer.open("quantize", tokenizerFile, 256)) {
                for (String sentence : sentences) {
                    TokenizedText tokens = tokenizer.encode(sentence);
                    int n = tokens.length();
                    Map<String, Tensor> sample = new HashMap<>();
                    sample.put("input_ids", Tensor.ofLongs(tokens.ids(), 1, n));
                    if (inputs.contains("attention_mask")) {
                        sample.put("attention_mask", Tensor.ofLongs(tokens.attentionMask(), 1, n));
                    }
                    if (inputs.contains("token_type_ids")) {
                        sample.put("token_type_ids", Tensor.ofLongs(new long[n], 1, n));
                    }
                    samples.add(sample);
                }
            }
            return samples;
        }
    }
}
