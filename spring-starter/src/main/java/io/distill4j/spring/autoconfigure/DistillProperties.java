package io.distill4j.spring.autoconfigure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code Distiller} bean ({@code distill4j.distill.*}). Students register into the engine's model
 * repository ({@code distill4j.inference.model-repository}), so the engine can serve them at once.
 *
 * <pre>
 * distill4j.distill.work-directory=distill4j-work   # job outputs, reports, trial checkpoints
 * distill4j.distill.concurrency=1                   # jobs running at once
 * </pre>
 */
@ConfigurationProperties("distill4j.distill")
public class DistillProperties {

    /** Whether the {@code Distiller} bean is created. */
    private boolean enabled = true;

    /*
     * Folders are kept as text and made paths with Path.of: bound as Path, Spring would read a relative value
     * that also names a class path resource (".", or a package folder) as that resource.
     */

    /** Job outputs ({@code jobs/<id>}), reports and trial checkpoints. */
    private String workDirectory = "distill4j-work";

    /** Soft targets and fitted teachers shared by jobs; empty: {@code <work-directory>/cache}. */
    private String cacheDirectory;

    /** Jobs running at once. */
    private int concurrency = 1;

    /** ONNX Runtime threads for the teacher stage and evaluation; 0: the number of cores. */
    private int threads;

    /** PyTorch threads while students train (1 is as fast for small students and robust under load). */
    private int trainingThreads = 1;

    /** Epochs of a student's final training. */
    private int maxEpochs = 15;

    /**
     * Folders whose files a distillation submitted over gRPC may name (data, teacher); relative paths
     * resolve against the first. Empty: the work directory only.
     */
    private List<String> dataRoots = new ArrayList<>();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getWorkDirectory() {
        return this.workDirectory;
    }

    /** {@link #getWorkDirectory()} as a path. */
    public Path workDirectoryPath() {
        return Path.of(this.workDirectory);
    }

    public void setWorkDirectory(String workDirectory) {
        this.workDirectory = workDirectory;
    }

    public String getCacheDirectory() {
        return this.cacheDirectory;
    }

    /** {@link #getCacheDirectory()} as a path, if set. */
    public Optional<Path> cacheDirectoryPath() {
        return Optional.ofNullable(this.cacheDirectory).filter(folder -> !folder.isBlank()).map(Path::of);
    }

    public void setCacheDirectory(String cacheDirectory) {
        this.cacheDirectory = cacheDirectory;
    }

    public int getConcurrency() {
        return this.concurrency;
    }

    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }

    public int getThreads() {
        return this.threads;
    }

    public void setThreads(int threads) {
        this.threads = threads;
    }

    public int getTrainingThreads() {
        return this.trainingThreads;
    }

    public void setTrainingThreads(int trainingThreads) {
        this.trainingThreads = trainingThreads;
    }

    public List<String> getDataRoots() {
        return this.dataRoots;
    }

    /** The data roots as paths; the work directory alone when none are set. */
    public List<Path> dataRootPaths() {
        return this.dataRoots.isEmpty() ? List.of(workDirectoryPath()) : this.dataRoots.stream().map(Path::of).toList();
    }

    public void setDataRoots(List<String> dataRoots) {
        this.dataRoots = dataRoots;
    }

    public int getMaxEpochs() {
        return this.maxEpochs;
    }

    public void setMaxEpochs(int maxEpochs) {
        this.maxEpochs = maxEpochs;
    }
}
