package io.distill4j.benchmarks;

import java.util.List;

/** Opens the systems by name. */
final class SystemCatalog {

    /** Every system, in the order they are opened and interleaved. */
    static final List<String> ALL = List.of(EngineSystem.NAME, RawOrtSystem.NAME, LangChain4jSystem.NAME, SpringAiSystem.NAME);

    /** The systems the engine is compared against (raw is a reference, not a peer). */
    static final List<String> PEERS = List.of(LangChain4jSystem.NAME, SpringAiSystem.NAME);

    private SystemCatalog() {
    }

    /** Opens a system; the caller owns and closes it. */
    static EmbeddingSystem open(String name, ModelFiles files, BenchmarkOptions options) {
        int intra = options.intraOpThreads();
        int inter = options.interOpThreads();
        return switch (name) {
            case EngineSystem.NAME -> EngineSystem.open(files, intra, inter, options.engineServing());
            case RawOrtSystem.NAME -> RawOrtSystem.open(files, intra, inter);
            case LangChain4jSystem.NAME -> LangChain4jSystem.open();
            case SpringAiSystem.NAME -> SpringAiSystem.open(files,
                    options.workDirectory().resolve("spring-ai-cache"), intra, inter);
            default -> throw new BenchmarkException("Unknown system " + name + "; known: " + ALL);
        };
    }
}
