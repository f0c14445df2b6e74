package io.distill4j.samples;

import java.nio.file.Path;
import java.util.List;

import io.distill4j.api.exception.Distill4jException;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.compat.ModelInventory;

/**
 * Command line for Distill4j's ONNX tooling.
 *
 * <pre>
 * mvn -q -Ponnx-tool -DskipTests verify -Dtool.args="inventory path/to/model.onnx [--json]"
 * </pre>
 *
 * <p>{@code inventory} reads a model with the safe reader (a corrupt or forged file is reported, not
 * crashed on) and prints its operators, opsets, tensor types, dynamic dimensions and external data, as a
 * table or as JSON. The compatibility report and the INT8 quantizer join as further commands.
 */
public final class OnnxTool {

    private static final String USAGE = """
            usage: OnnxTool inventory <model.onnx> [--json]
              inventory   operators per domain, opset imports, tensor types, dynamic dimensions, external data
            """;

    private OnnxTool() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args)));
    }

    static int run(List<String> args) {
        if (args.size() < 2 || !args.get(0).equals("inventory")) {
            System.err.print(USAGE);
            return 2;
        }
        Path model = Path.of(args.get(1));
        boolean json = args.contains("--json");
        try {
            ModelInventory inventory = ModelInventory.of(OnnxModelReader.ofDefaults().read(model));
            System.out.println(json ? inventory.toJson() : inventory.toTable());
            return 0;
        }
        catch (Distill4jException ex) {
            System.err.println("error " + ex.code() + ": " + ex.getMessage());
            return 1;
        }
    }
}
