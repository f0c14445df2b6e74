package io.distill4j.spring.autoconfigure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The in-process inference engine ({@code distill4j.inference.*}).
 *
 * <pre>
 * distill4j.inference.model-repository=models        # one folder per model, one per version
 * distill4j.inference.load-on-startup=minilm,intents # loaded before the application is ready ("*": all)
 * distill4j.inference.intra-op-threads=2
 * </pre>
 */
@ConfigurationProperties("distill4j.inference")
public class InferenceProperties {

    /** The {@link #getLoadOnStartup()} value that loads every model in the repository. */
    public static final String EVERY_MODEL = "*";

    /** Whether the engine bean is created. */
    private boolean enabled = true;

    /**
     * The model repository: {@code <name>/<version>/model.onnx} with a {@code model.json} manifest. A folder on
     * disk, relative to the working directory (kept as text so that Spring never reads it as a class path
     * resource of the same name).
     */
    private String modelRepository = "models";

    /**
     * Models loaded (newest version) when the context starts, or "*" for every model in the repository; a
     * model that fails to load fails the start.
     */
    private List<String> loadOnStartup = new ArrayList<>();

    /** ONNX Runtime's intra-op threads per session; 0: the number of cores. */
    private int intraOpThreads;

    /**
     * Whether ONNX Runtime's intra-op threads spin while idle: shorter latency for a lone request, but the
     * cores stay busy between runs; turn it off where the gRPC server, clients or other models share few cores.
     */
    private boolean intraOpSpinning = true;

    /** Whether each model is checked against the execution provider's operators before it loads. */
    private boolean compatibilityCheck = true;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getModelRepository() {
        return this.modelRepository;
    }

    /** {@link #getModelRepository()} as a path. */
    public Path modelRepositoryPath() {
        return Path.of(this.modelRepository);
    }

    public void setModelRepository(String modelRepository) {
        this.modelRepository = modelRepository;
    }

    public List<String> getLoadOnStartup() {
        return this.loadOnStartup;
    }

    public void setLoadOnStartup(List<String> loadOnStartup) {
        this.loadOnStartup = loadOnStartup;
    }

    public int getIntraOpThreads() {
        return this.intraOpThreads;
    }

    public void setIntraOpThreads(int intraOpThreads) {
        this.intraOpThreads = intraOpThreads;
    }

    public boolean isIntraOpSpinning() {
        return this.intraOpSpinning;
    }

    public void setIntraOpSpinning(boolean intraOpSpinning) {
        this.intraOpSpinning = intraOpSpinning;
    }

    public boolean isCompatibilityCheck() {
        return this.compatibilityCheck;
    }

    public void setCompatibilityCheck(boolean compatibilityCheck) {
        this.compatibilityCheck = compatibilityCheck;
    }
}
