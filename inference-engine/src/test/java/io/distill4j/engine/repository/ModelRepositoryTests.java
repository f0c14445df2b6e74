package io.distill4j.engine.repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.distill4j.api.ModelId;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.api.exception.ModelNotFoundException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelRepositoryTests {

    @TempDir
    Path root;

    @TempDir
    Path outside;

    ModelRepository repository;

    @BeforeEach
    void layOut() throws IOException {
        version("alpha", "1", "{\"task\": \"raw\"}");
        version("alpha", "3", "{\"task\": \"raw\"}");
        version("beta", "2", "{\"task\": \"text-embedding\", \"tokenizer\": \"tokenizer.json\"}");
        Files.writeString(this.root.resolve("beta/2/tokenizer.json"), "{}");
        Files.createDirectories(this.root.resolve("alpha/latest"));
        Files.createDirectories(this.root.resolve("alpha/0"));
        Files.createDirectories(this.root.resolve("alpha/007"));
        Files.createDirectories(this.root.resolve(".hidden/1"));
        Files.writeString(this.root.resolve("README.txt"), "not a model");
        this.repository = ModelRepository.open(this.root);
    }

    private Path version(String name, String version, String manifest) throws IOException {
        Path dir = Files.createDirectories(this.root.resolve(name).resolve(version));
        Files.write(dir.resolve("model.onnx"), new byte[] { 8, 7 });
        Files.writeString(dir.resolve("model.json"), manifest);
        return dir;
    }

    @Test
    void listsValidNamesAndNumericVersionsOnly() {
        assertThat(this.repository.modelNames()).containsExactly("alpha", "beta");
        assertThat(this.repository.versions("alpha")).containsExactly(1L, 3L);
        assertThat(this.repository.latestVersion("alpha")).hasValue(3);
    }

    @Test
    void theNewestCompleteVersionSkipsOneStillBeingCopiedIn() throws IOException {
        Path copying = Files.createDirectories(this.root.resolve("alpha/4"));
        Files.write(copying.resolve("model.onnx"), new byte[] { 1 });
        assertThat(this.repository.latestVersion("alpha")).hasValue(4);
        assertThat(this.repository.latestCompleteVersion("alpha")).hasValue(3);
        Files.writeString(copying.resolve("model.json"), "{\"task\": \"raw\"}");
        assertThat(this.repository.latestCompleteVersion("alpha")).hasValue(4);
        Files.createDirectories(this.root.resolve("gamma/1"));
        assertThat(this.repository.latestCompleteVersion("gamma")).isEmpty();
    }

    @Test
    void resolvesTheFilesOfAVersion() {
        ModelFiles files = this.repository.resolve(ModelId.of("beta", 2));
        assertThat(files.model()).endsWith(Path.of("beta", "2", "model.onnx"));
        assertThat(files.tokenizer()).hasValueSatisfying(t -> assertThat(t).endsWith(Path.of("beta", "2", "tokenizer.json")));
        assertThat(files.manifest().isTextTask()).isTrue();
    }

    @Test
    void refusesNamesThatCouldLeaveTheRoot() {
        for (String name : new String[] { "..", "../beta", "/etc", "a/b", ".hidden", "" }) {
            assertThatThrownBy(() -> this.repository.versions(name)).as(name).isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("must match");
        }
    }

    @Test
    void unknownModelOrVersionIsNotFound() {
        assertThatThrownBy(() -> this.repository.versions("gamma")).isInstanceOf(ModelNotFoundException.class)
            .hasMessageContaining("gamma is not in the repository");
        assertThatThrownBy(() -> this.repository.resolve(ModelId.of("alpha", 2)))
            .isInstanceOf(ModelNotFoundException.class)
            .hasMessageContaining("no version 2")
            .hasMessageContaining("[1, 3]");
    }

    @Test
    void missingModelFileIsALoadError() throws IOException {
        Files.delete(this.root.resolve("alpha/3/model.onnx"));
        assertThatThrownBy(() -> this.repository.resolve(ModelId.of("alpha", 3)))
            .isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("model.onnx is missing");
    }

    @Test
    void refusesAModelFolderLinkedFromOutsideTheRoot() throws IOException {
        Path foreign = Files.createDirectories(this.outside.resolve("evil/1"));
        Files.write(foreign.resolve("model.onnx"), new byte[] { 1 });
        Files.writeString(foreign.resolve("model.json"), "{\"task\": \"raw\"}");
        Files.createSymbolicLink(this.root.resolve("evil"), this.outside.resolve("evil"));
        assertThat(this.repository.modelNames()).doesNotContain("evil");
        assertThatThrownBy(() -> this.repository.resolve(ModelId.of("evil", 1)))
            .isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("outside the model repository");
    }

    @Test
    void refusesAModelFileLinkedFromOutsideTheRoot() throws IOException {
        Path secret = Files.write(this.outside.resolve("secret.onnx"), new byte[] { 1 });
        Path link = this.root.resolve("alpha/3/model.onnx");
        Files.delete(link);
        Files.createSymbolicLink(link, secret);
        assertThatThrownBy(() -> this.repository.resolve(ModelId.of("alpha", 3)))
            .isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("outside the model repository");
    }

    @Test
    void refusesATokenizerLinkedFromOutsideTheVersionFolder() throws IOException {
        Path tokenizer = this.root.resolve("beta/2/tokenizer.json");
        Files.delete(tokenizer);
        Files.createSymbolicLink(tokenizer, Files.writeString(this.outside.resolve("tok.json"), "{}"));
        assertThatThrownBy(() -> this.repository.resolve(ModelId.of("beta", 2)))
            .isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("outside");
    }

    @Test
    void allowsLinksThatStayInsideTheRoot() throws IOException {
        Files.createSymbolicLink(this.root.resolve("alias"), this.root.resolve("alpha"));
        assertThat(this.repository.modelNames()).contains("alias");
        assertThat(this.repository.resolve(ModelId.of("alias", 1)).model()).exists();
    }

    @Test
    void openingAMissingRootFailsClearly() {
        assertThatThrownBy(() -> ModelRepository.open(this.root.resolve("nope")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("does not exist");
    }
}
