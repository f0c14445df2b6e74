package io.distill4j.engine.repository;

import io.distill4j.engine.batching.BatchPolicy;
import io.distill4j.engine.batching.BatchingConfig;
import io.distill4j.engine.session.InstanceGroup;

/**
 * The {@code serving} object of a {@code model.json}: how the engine runs this model, each field overriding the
 * engine's own setting, which applies where the field is absent ({@code null} here).
 *
 * <pre>{@code
 * "serving": {"instances": 2, "sessions": "shared", "batching": "adaptive", "maxBatchSize": 16}
 * }</pre>
 *
 * @param instances instances the model runs on, 1 to {@value InstanceGroup#MAX_COUNT}
 * @param sessions whether the instances share one session ({@code shared}) or have one each ({@code per-instance})
 * @param batching how batch sizes are chosen: {@code adaptive}, {@code greedy} or {@code off}
 * @param maxBatchSize the most texts (or raw requests) in one run, 1 to {@value #MAX_BATCH_SIZE}
 */
public record ServingSettings(Integer instances, InstanceGroup.Sessions sessions, BatchPolicy.Kind batching,
        Integer maxBatchSize) {

    /** The largest {@link #maxBatchSize()} a manifest may set. */
    public static final int MAX_BATCH_SIZE = 4096;

    /** No field set: the engine's settings throughout. */
    public static final ServingSettings ENGINE_DEFAULTS = new ServingSettings(null, null, null, null);

    /** The engine's instance group with this manifest's fields applied. */
    public InstanceGroup instanceGroup(InstanceGroup engine) {
        return new InstanceGroup(this.instances != null ? this.instances : engine.count(),
                this.sessions != null ? this.sessions : engine.sessions());
    }

    /** The engine's batching settings with this manifest's fields applied. */
    public BatchingConfig batchingConfig(BatchingConfig engine) {
        if (this.batching == null && this.maxBatchSize == null) {
            return engine;
        }
        BatchingConfig.Builder builder = BatchingConfig.from(engine);
        if (this.batching != null) {
            builder.policy(this.batching);
        }
        if (this.maxBatchSize != null) {
            builder.maxBatchSize(this.maxBatchSize);
        }
        return builder.build();
    }
}
