package io.distill4j.pipeline.testing;

import java.nio.file.Path;

/** all-MiniLM-L6-v2 and its tokenizer, extracted once from the test class path. */
public final class MiniLmFiles {

    private MiniLmFiles() {
    }

    public static Path model() {
        return ClassPathModels.extract("all-minilm-l6-v2.onnx");
    }

    public static Path tokenizer() {
        return ClassPathModels.extract("all-minilm-l6-v2-tokenizer.json");
    }
}
