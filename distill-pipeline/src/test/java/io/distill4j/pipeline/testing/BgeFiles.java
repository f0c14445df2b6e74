package io.distill4j.pipeline.testing;

import java.nio.file.Path;

/**
 * The BGE encoders of the registry (both pool the {@code [CLS]} token and L2-normalize), extracted once
 * from the test class path: bge-small-zh-v1.5 (Chinese) and bge-small-en-v1.5 (English, 12 layers).
 */
public final class BgeFiles {

    private BgeFiles() {
    }

    public static Path chineseModel() {
        return ClassPathModels.extract("bge-small-zh-v1.5.onnx");
    }

    public static Path chineseTokenizer() {
        return ClassPathModels.extract("bge-small-zh-v1.5-tokenizer.json");
    }

    public static Path englishModel() {
        return ClassPathModels.extract("bge-small-en-v1.5.onnx");
    }

    public static Path englishTokenizer() {
        return ClassPathModels.extract("bge-small-en-v1.5-tokenizer.json");
    }
}
