package io.distill4j.pipeline.export;

/**
 * Writes one student architecture's forward pass as ONNX nodes, mirroring its DJL block's
 * {@code forward} operation for operation, in inference mode (dropout is the identity). One
 * implementation per architecture, package-private in the architecture's own package and handed out by its
 * {@link io.distill4j.pipeline.student.Architecture#graph}; {@link StudentExporter} asks for it by the
 * configuration's architecture id. Each has a parity test (DJL output against ONNX Runtime output).
 */
public interface ArchitectureGraph {

    /**
     * Adds the nodes from the graph inputs ({@link StudentGraph#tokenIds()}, {@link StudentGraph#floatMask()})
     * to the student's single output, {@code [batch, outputSize]} float, and names that value {@code output}.
     *
     * @param graph the graph being written, with the parameters to read
     * @param output the name the output value must have ({@code logits} or {@code embedding})
     */
    void write(StudentGraph graph, String output);
}
