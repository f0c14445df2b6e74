package io.distill4j.samples.onnxtool;

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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.distill4j.api.Tensor;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;
import io.distill4j.engine.onnx.quant.AccuracyGate;
import io.distill4j.engine.onnx.quant.Int8Quantizer;
import io.distill4j.engine.onnx.quant.QuantizationConfig;
import io.distill4j.engine.onnx.quant.QuantizationResult;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.engine.text.TokenizedText;

/**
 * {@code OnnxTool quantize}: INT8-quantizes a model, optionally gated on sample sentences, and writes the
 * result only if the gate passes. Options are listed in {@link #USAGE}.
 */
final class QuantizeCommand {

    static final String USAGE = """
              quantize    <in.onnx> <out.onnx> [--per-tensor] [--full-range] [--no-embeddings]
                          [--exclude NAME,...] [--exclude-type MatMul|Gemm|Gather,...]
                          [--gate-texts FILE --tokenizer tokenizer.json [--classifier] [--min-cosine 0.98]
                           [--min-agreement 0.99] [--max-prob-diff 0.05] [--max-exclusions 8]] [--json]
                          dynamic INT8 quantization; with --gate-texts, each line of FILE (up to 256) is a
                          sample, compared with the float model (mean cosine of the outputs, or argmax
                          agreement with --classifier); while it fails, up to --max-exclusions nodes go back
                          to float; the model is written only if the gate passes
            """;

    /** The most sample lines read from {@code --gate-texts}. */
    static final int MAX_GATE_TEXTS = 256;

    private static final Set<String> FLAGS = Set.of("--per-tensor", "--full-range", "--no-embeddings", "--json",
            "--classifier");

    private static final Set<String> OPTIONS = Set.of("--exclude", "--exclude-type", "--gate-texts", "--tokenizer",
            "--min-cosine", "--min-agreement", "--max-prob-diff", "--max-exclusions");

    private QuantizeCommand() {
    }

    /**
     * Runs the command on {@code args} (after the word {@code quantize}).
     *
     * @return 0 when the model was written, 1 when the gate failed (nothing written), 2 on bad usage
     */
    static int run(List<String> args) throws IOException {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (FLAGS.contains(arg)) {
                flags.add(arg);
            }
            else if (OPTIONS.contains(arg)) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("option " + arg + " needs a value");
                }
                options.put(arg, args.get(++i));
            }
            else if (arg.startsWith("--")) {
                throw new UsageException("unknown option " + arg);
            }
            else {
                positional.add(arg);
            }
        }
        if (positional.size() != 2) {
            throw new UsageException("quantize needs an input and an output file");
        }
        Path input = Path.of(positional.get(0));
        Path output = Path.of(positional.get(1));
        QuantizationConfig.Builder config = QuantizationConfig.builder()
                .perChannel(!flags.contains("--per-tensor"))
                .reduceRange(!flags.contains("--full-range"))
                .quantizeEmbeddings(!flags.contains("--no-embeddings"));
        if (options.containsKey("--exclude")) {
            config.excludeNodes(List.of(options.get("--exclude").split(",")));
        }
        if (options.containsKey("--exclude-type")) {
            try {
                config.excludeOpTypes(options.get("--exclude-type").split(","));
            }
            catch (IllegalArgumentException ex) {
                throw new UsageException(ex.getMessage());
            }
        }
        if (options.containsKey("--max-exclusions")) {
            String value = options.get("--max-exclusions");
            try {
                config.maxGateExclusions(Integer.parseInt(value));
            }
            catch (IllegalArgumentException ex) {
                throw new UsageException("--max-exclusions must be a whole number >= 0, was '" + value + "'");
            }
        }
        ModelProto model = OnnxModelReader.ofDefaults().read(input);
        AccuracyGate gate = null;
        if (options.containsKey("--gate-texts")) {
            if (!options.containsKey("--tokenizer")) {
                throw new UsageException("--gate-texts needs --tokenizer (the model's tokenizer.json)");
            }
            List<Map<String, Tensor>> samples = samples(model, Path.of(options.get("--gate-texts")),
                    Path.of(options.get("--tokenizer")));
            gate = flags.contains("--classifier")
                    ? AccuracyGate.classifier(samples, number(options, "--min-agreement", 0.99),
                            number(options, "--max-prob-diff", 0.05))
                    : AccuracyGate.embeddings(samples, number(options, "--min-cosine", 0.98));
        }
        QuantizationResult result = new Int8Quantizer(config.build()).quantize(model, gate);
        if (result.passed()) {
            result.writeTo(output);
        }
        if (flags.contains("--json")) {
            System.out.println(result.toJson());
        }
        else {
            System.out.print(result.summary());
            System.out.println(result.passed() ? "Wrote " + output : "Nothing written.");
        }
        return result.passed() ? 0 : 1;
    }

    /** One sample per non-blank line, tokenized for the model's text inputs. */
    private static List<Map<String, Tensor>> samples(ModelProto model, Path texts, Path tokenizerFile)
            throws IOException {
        Set<String> inputs = model.getGraph().getInputList().stream().map(ValueInfoProto::getName)
                .collect(Collectors.toSet());
        if (!inputs.contains("input_ids")) {
            throw new UsageException("--gate-texts needs a text model with an 'input_ids' input; this one has "
                    + inputs);
        }
        List<String> lines;
        try {
            lines = Arrays.asList(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(texts)))
                    .toString().split("\\R"));
        }
        catch (CharacterCodingException ex) {
            throw new UsageException("--gate-texts " + texts + " is not valid UTF-8");
        }
        List<String> sentences = lines.stream().filter(line -> !line.isBlank()).limit(MAX_GATE_TEXTS).toList();
        if (sentences.isEmpty()) {
            throw new UsageException("--gate-texts " + texts + " has no non-blank line");
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

    private static double number(Map<String, String> options, String option, double defaultValue) {
        String value = options.get(option);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(value);
        }
        catch (NumberFormatException ex) {
            throw new UsageException(option + " must be a number, was '" + value + "'");
        }
    }

    /** Bad command-line usage: the message says what is wrong, the caller prints the usage. */
    static final class UsageException extends RuntimeException {

        UsageException(String message) {
            super(message);
        }
    }
}
