package io.distill4j.spring.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import io.distill4j.api.InferenceEngine;
import io.distill4j.spring.ai.EngineEmbeddingModel;
import io.distill4j.spring.ai.EngineEmbeddingModels;
import io.distill4j.spring.testing.MiniLmRepository;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.SimpleVectorStore;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** A repository embedding model as Spring AI's EmbeddingModel, used by Spring AI's own SimpleVectorStore. */
class SpringAiAutoConfigurationIT {

    @TempDir
    static Path dir;

    private static Path repository;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(InferenceAutoConfiguration.class, SpringAiAutoConfiguration.class))
        .withPropertyValues("distill4j.inference.model-repository=" + repository,
                "distill4j.inference.load-on-startup=minilm");

    @BeforeAll
    static void repository() throws Exception {
        repository = MiniLmRepository.install(dir.resolve("repo"));
    }

    @Test
    void theNamedModelFeedsSpringAisVectorStore() {
        this.runner.withPropertyValues("distill4j.ai.embedding-model=minilm").run(context -> {
            EmbeddingModel model = context.getBean(EmbeddingModel.class);
            assertThat(model.dimensions()).isEqualTo(384);
            assertThat(model.embed("A card payment")).containsExactly(context.getBean(InferenceEngine.class)
                .embed("minilm", "A card payment"));
            SimpleVectorStore store = SimpleVectorStore.builder(model).build();
            store.add(List.of(new Document("My card was declined at the checkout."),
                    new Document("The train to Berlin leaves at nine."),
                    new Document("Exchange rates for euros and dollars.")));
            List<Document> found = store.similaritySearch(SearchRequest.builder().query("Why did my card payment fail?")
                .topK(1).build());
            assertThat(found).singleElement().extracting(Document::getText)
                .isEqualTo("My card was declined at the checkout.");
        });
    }

    @Test
    void namingTheModelIsEnoughWithoutLoadingItOnStartup() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(InferenceAutoConfiguration.class, SpringAiAutoConfiguration.class))
            .withPropertyValues("distill4j.inference.model-repository=" + repository,
                    "distill4j.ai.embedding-model=minilm")
            .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(EmbeddingModel.class).dimensions()).isEqualTo(384);
            });
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(InferenceAutoConfiguration.class, SpringAiAutoConfiguration.class))
            .withPropertyValues("distill4j.inference.model-repository=" + repository,
                    "distill4j.ai.embedding-model=no-such-model")
            .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining("no-such-model"));
    }

    @Test
    void withoutANamedModelOnlyTheFactoryExistsAndUserBeansWin() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(EngineEmbeddingModels.class).doesNotHaveBean(EmbeddingModel.class);
            assertThat(context.getBean(EngineEmbeddingModels.class).get("minilm").embed("x")).hasSize(384);
        });
        try (InferenceEngine other = dummyEngine()) {
            EmbeddingModel mine = new EngineEmbeddingModel(other, "other");
            this.runner.withPropertyValues("distill4j.ai.embedding-model=minilm")
                .withBean("mine", EmbeddingModel.class, () -> mine)
                .run(context -> assertThat(context.getBean(EmbeddingModel.class)).isSameAs(mine));
        }
        this.runner.withClassLoader(new FilteredClassLoader(EmbeddingModel.class))
            .run(context -> assertThat(context).doesNotHaveBean(EngineEmbeddingModels.class)
                .hasSingleBean(InferenceEngine.class));
    }

    private static InferenceEngine dummyEngine() {
        return io.distill4j.engine.OnnxInferenceEngine.open(io.distill4j.engine.EngineConfig.builder()
            .modelRepository(repository).build());
    }
}
