package io.distill4j.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.labelling.LabellingLimits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code Distiller} bean ({@code distill4j.distill.*}): one property per setting of {@link DistillerConfig},
 * whose defaults are the library's own. Students register into the engine's model repository
 * ({@code distill4j.inference.model-repository}), so the engine can serve them at once.
 *
 * <pre>
 * distill4j.distill.work-directory=distill4j-work   # job outputs, reports, trial checkpoints
 * distill4j.distill.concurrency=1                   # jobs running at once
 * distill4j.distill.memory-limit=8GB                # what the memory planner may assume for a job
 * </pre>
 */
@ConfigurationProperties("distill4j.distill")
public class DistillProperties {

    /** The work directory when none is set. */
    static final String DEFAULT_WORK_DIRECTORY = "distill4j-work";

    /** The distiller's defaults, which the defaults below are read from. */
    private static final DistillerConfig DEFAULTS = DistillerConfig.builder(Path.of(DEFAULT_WORK_DIRECTORY)).build();

    /** Whether the Distiller bean is created. */
    private boolean enabled = true;

    /*
     * Folders are kept as text and made paths with Path.of: bound as Path, Spring would read a relative value
     * that also names a class path resource (".", or a package folder) as that resource.
     */

    /** Job outputs (jobs/id), reports and trial checkpoints. */
    private String workDirectory = DEFAULT_WORK_DIRECTORY;

    /** Soft targets and fitted teachers shared by jobs; unset: the cache folder of the work directory. */
    private String cacheDirectory;

    /** Jobs running at once, 1 to 64. */
    private int concurrency = DEFAULTS.concurrency();

    /** ONNX Runtime threads for the teacher stage and evaluation, 1 to 256; unset: the number of processors. */
    private Integer threads;

    /** PyTorch threads while students train, 1 to 256 (1 is as fast for small students and robust under load). */
    private int trainingThreads = DEFAULTS.trainingThreads();

    /** Tokens per text the student sees (and the teacher, for its soft targets), 8 to 512. */
    private int maxSequenceLength = DEFAULTS.maxSequenceLength();

    /** Epochs of a student's final training, 1 to 1000. */
    private int maxEpochs = DEFAULTS.maxEpochs();

    /**
     * Memory the planner may assume for a job; unset: half the JVM's maximum heap plus the machine's free
     * physical memory at start.
     */
    private DataSize memoryLimit;

    /**
     * Folders whose files a distillation submitted over gRPC may name (data, teacher); relative paths
     * resolve against the first. Empty: the work directory only.
     */
    private List<String> dataRoots = new ArrayList<>();

    /** How labelling models (LLM teachers) are asked ({@code distill4j.distill.labelling.*}). */
    private final Labelling labelling = new Labelling();

    public Labelling getLabelling() {
        return this.labelling;
    }

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

    public Integer getThreads() {
        return this.threads;
    }

    public void setThreads(Integer threads) {
        this.threads = threads;
    }

    public int getMaxSequenceLength() {
        return this.maxSequenceLength;
    }

    public void setMaxSequenceLength(int maxSequenceLength) {
        this.maxSequenceLength = maxSequenceLength;
    }

    public DataSize getMemoryLimit() {
        return this.memoryLimit;
    }

    public void setMemoryLimit(DataSize memoryLimit) {
        this.memoryLimit = memoryLimit;
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

    /**
     * How labelling models are asked, for every job: each Spring AI {@code ChatModel} bean (and each
     * {@code LabellingModel} bean) is a labelling model under its bean name.
     *
     * <pre>
     * distill4j.distill.labelling.concurrency=8
     * distill4j.distill.labelling.requests-per-minute=500
     * distill4j.distill.labelling.tokens-per-minute=200000
     * distill4j.distill.labelling.prompt-token-price=0.15      # per million tokens, for the report
     * </pre>
     */
    public static class Labelling {

        private static final LabellingLimits DEFAULTS = LabellingLimits.ofDefaults();

        /** Requests in flight at once, 1 to 256. */
        private int concurrency = DEFAULTS.concurrency();

        /** Most requests started per minute; 0: no limit. */
        private int requestsPerMinute = 0;

        /** Most tokens per minute, estimated from each prompt's length; 0: no limit. */
        private int tokensPerMinute = 0;

        /** Tries per request in all when the model fails transiently (429, 5xx, timeouts), 1 to 20. */
        private int retryAttempts = DEFAULTS.retryAttempts();

        /** Wait before the first retry; doubled, with jitter, for each next one. */
        private Duration initialBackoff = DEFAULTS.initialBackoff();

        /** Longest wait between two tries. */
        private Duration maxBackoff = DEFAULTS.maxBackoff();

        /** Price of a million prompt tokens, for the report; 0: unknown. */
        private double promptTokenPrice = 0.0;

        /** Price of a million completion tokens, for the report; 0: unknown. */
        private double completionTokenPrice = 0.0;

        /**
         * Whether answers are constrained to the label set's JSON schema where the chat model supports structured
         * output; turn off for a server that refuses a response format.
         */
        private boolean structuredOutput = true;

        /**
         * Whether Spring AI's OpenAI chat models answer through a second client made from their options that reads
         * the answers' token log-probabilities (Spring AI's own response drops them), for soft targets from one
         * request per text; turn off for a server that refuses {@code logprobs}.
         */
        private boolean logProbabilities = true;

        /** Whether each Spring AI {@code ChatModel} bean is a labelling model under its bean name. */
        private boolean chatModels = true;

        public boolean isChatModels() {
            return this.chatModels;
        }

        public void setChatModels(boolean chatModels) {
            this.chatModels = chatModels;
        }

        public int getConcurrency() {
            return this.concurrency;
        }

        public void setConcurrency(int concurrency) {
            this.concurrency = concurrency;
        }

        public int getRequestsPerMinute() {
            return this.requestsPerMinute;
        }

        public void setRequestsPerMinute(int requestsPerMinute) {
            this.requestsPerMinute = requestsPerMinute;
        }

        public int getTokensPerMinute() {
            return this.tokensPerMinute;
        }

        public void setTokensPerMinute(int tokensPerMinute) {
            this.tokensPerMinute = tokensPerMinute;
        }

        public int getRetryAttempts() {
            return this.retryAttempts;
        }

        public void setRetryAttempts(int retryAttempts) {
            this.retryAttempts = retryAttempts;
        }

        public Duration getInitialBackoff() {
            return this.initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return this.maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public double getPromptTokenPrice() {
            return this.promptTokenPrice;
        }

        public void setPromptTokenPrice(double promptTokenPrice) {
            this.promptTokenPrice = promptTokenPrice;
        }

        public double getCompletionTokenPrice() {
            return this.completionTokenPrice;
        }

        public void setCompletionTokenPrice(double completionTokenPrice) {
            this.completionTokenPrice = completionTokenPrice;
        }

        public boolean isStructuredOutput() {
            return this.structuredOutput;
        }

        public void setStructuredOutput(boolean structuredOutput) {
            this.structuredOutput = structuredOutput;
        }

        public boolean isLogProbabilities() {
            return this.logProbabilities;
        }

        public void setLogProbabilities(boolean logProbabilities) {
            this.logProbabilities = logProbabilities;
        }
    }
}
