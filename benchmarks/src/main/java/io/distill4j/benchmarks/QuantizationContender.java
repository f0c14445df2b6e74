package io.distill4j.benchmarks;

import java.nio.file.Path;

/**
 * A model under test in {@link QuantizationBenchmark}: its file and the raw ONNX Runtime loop that runs it.
 *
 * @param name the model's name in the report ({@code fp32}, {@code -q}, {@code ours})
 * @param file the ONNX file
 * @param origin where the file comes from, as the report shows it
 * @param system the open session; the benchmark closes it
 */
record QuantizationContender(String name, Path file, String origin, RawOrtSystem system) {
}
