package io.distill4j.samples.onnxtool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.api.exception.Distill4jException;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.OnnxModelReader.ParsedModel;
import io.distill4j.engine.onnx.compat.CompatibilityChecker;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.engine.onnx.compat.CompatibilityTarget;
import io.distill4j.engine.onnx.compat.ModelInventory;
import io.distill4j.engine.onnx.compat.Preflight;
import io.distill4j.engine.session.SessionConfig;

/**
 * Command line for Distill4j's ONNX tooling.
 *
 * <pre>
 * mvn -q -Ponnx-tool -DskipTests verify -Dtool.args="inventory path/to/model.onnx [--json]"
 * mvn -q -Ponnx-tool -DskipTests verify -Dtool.args="check path/to/model.onnx --provider cuda --preflight"
 * mvn -q -Ponnx-tool -DskipTests verify -Dtool.args="quantize in.onnx out.onnx --gate-texts lines.txt --tokenizer tokenizer.json"
 * </pre>
 *
 * <p>{@code inventory} reads a model with the safe reader (a corrupt or forged file is reported, not
 * crashed on) and prints its operators, opsets, tensor types, dynamic dimensions and external data, as a
 * table or as JSON.
 *
 * <p>{@code check} prints the operator-compatibility report of a model for ONNX Runtime's CPU provider
 * or its CUDA provider (falling back to CPU): the verdict, each node that falls back or cannot run and
 * why, and the other nodes summarized per operator, as a table or as JSON. With {@code --preflight} it
 * also creates a real session with each provider and reports whether it loads. The exit status is 0
 * for a compatible model (with or without fallbacks), {@value #EXIT_INCOMPATIBLE} for an incompatible
 * one, 1 when the file cannot be read as a model and 2 for a usage error.
 *
 * <p>{@code quantize} writes a dynamically INT8-quantized copy of a model (see {@link QuantizeCommand}
 * for the options), prints what was quantized, excluded and skipped, the sizes and the accuracy gate;
 * it exits with 1 and writes nothing when the gate fails.
 */
public final class OnnxTool {

    /** The exit status of {@code check} for an incompatible model. */
    static final int EXIT_INCOMPATIBLE = 3;

    private static final String USAGE = """
            usage: OnnxTool inventory <model.onnx> [--json]
                   OnnxTool check <model.onnx> [--provider cpu|cuda] [--json] [--preflight]
                   OnnxTool quantize <in.onnx> <out.onnx> [options, see below]
              inventory   operators per domain, opset imports, tensor types, dynamic dimensions, external data
              check       operator compatibility with ONNX Runtime on CPU (default) or CUDA then CPU;
                          --preflight also creates a session with each provider; exit status 3 if incompatible
            """ + QuantizeCommand.USAGE;

    private OnnxTool() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args)));
    }

    static int run(List<String> args) {
        if (args.size() < 2) {
            return usage(null);
        }
        Path model = Path.of(args.get(1));
        List<String> options = args.subList(2, args.size());
        try {
            return switch (args.get(0)) {
                case "inventory" -> inventory(model, options);
                case "check" -> check(model, options);
                case "quantize" -> QuantizeCommand.run(args.subList(1, args.size()));
                default -> usage("unknown command '" + args.get(0) + "'");
            };
        }
        catch (QuantizeCommand.UsageException ex) {
            return usage(ex.getMessage());
        }
        catch (Distill4jException ex) {
            System.err.println("error " + ex.code() + ": " + ex.getMessage());
            return 1;
        }
        catch (IllegalArgumentException ex) {
            // The quantizer's refusals: an already quantized model, an opset too old.
            System.err.println("error: " + ex.getMessage());
            return 1;
        }
        catch (IOException ex) {
            System.err.println("error: " + ex);
            return 1;
        }
    }

    private static int inventory(Path model, List<String> options) {
        boolean json = options.contains("--json");
        ModelInventory inventory = ModelInventory.of(OnnxModelReader.ofDefaults().read(model));
        System.out.println(json ? inventory.toJson() : inventory.toTable());
        return 0;
    }

    private static int check(Path model, List<String> options) {
        boolean json = false;
        boolean preflight = false;
        CompatibilityTarget target = CompatibilityTarget.cpu();
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            switch (option) {
                case "--json" -> json = true;
                case "--preflight" -> preflight = true;
                case "--provider" -> {
                    String provider = i + 1 < options.size() ? options.get(++i).toLowerCase(Locale.ROOT) : "";
                    switch (provider) {
                        case "cpu" -> target = CompatibilityTarget.cpu();
                        case "cuda" -> target = CompatibilityTarget.cuda();
                        default -> {
                            return usage("--provider takes cpu or cuda");
                        }
                    }
                }
                default -> {
                    return usage("unknown option '" + option + "'");
                }
            }
        }
        Path name = model.getFileName();
        ParsedModel parsed = OnnxModelReader.ofDefaults().readWithBytes(model, name == null ? model.toString()
                : name.toString());
        CompatibilityReport report = CompatibilityChecker.check(parsed.model(), target);
        if (preflight) {
            SessionConfig config = SessionConfig.ofDefaults();
            report = report.withPreflight(parsed.usesExternalData() ? Preflight.run(model, target, config)
                    : Preflight.run(parsed.bytes(), target, config));
        }
        System.out.println(json ? report.toJson() : report.toTable());
        return report.verdict() == CompatibilityVerdict.INCOMPATIBLE ? EXIT_INCOMPATIBLE : 0;
    }

    private static int usage(String problem) {
        if (problem != null) {
            System.err.println("OnnxTool: " + problem);
        }
        System.err.print(USAGE);
        return 2;
    }
}
