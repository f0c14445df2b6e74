package io.distill4j.benchmarks;

import java.util.function.Consumer;

import ai.djl.engine.Engine;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.train.EncodedSplit;
import io.distill4j.pipeline.train.PyTorchRuntime;
import io.distill4j.pipeline.train.StudentTrainer;
import io.distill4j.pipeline.train.TrainerConfig;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The DJL side of {@link TrainingSpeedBenchmark} and {@link FineTuningSpeedBenchmark}: trains a student
 * with the project's {@link StudentTrainer} on the synthetic data and times its steps with a
 * {@link StepClock}, cancelling training once the timed steps are done. The result has the same fields as
 * the PyTorch script's JSON line.
 */
final class DjlTrainingSpeed {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private DjlTrainingSpeed() {
    }

    /** One measurement of the workload's own student, from random weights; see the other overload. */
    static ObjectNode measure(TrainingWorkload workload, SyntheticData data) {
        return measure(workload, data, workload.studentConfig(), model -> {
        });
    }

    /**
     * One measurement: the engine, the student's size, the timed steps' wall and CPU time (in total and
     * per step), the epoch losses and the process's peak resident memory.
     * @param config the student to train, of the workload's shape
     * @param initializer called once on the new student before training, e.g. to copy a teacher's weights
     */
    static ObjectNode measure(TrainingWorkload workload, SyntheticData data, StudentConfig config,
            Consumer<StudentModel> initializer) {
        Engine engine = PyTorchRuntime.engine(workload.threads(), 1);
        StepClock clock = new StepClock(workload.warmupSteps(), workload.totalSteps());
        // The distiller's settings (DistillationRun): 5 % warm-up, decay 0.01, max gradient norm 1.
        StudentTrainer trainer = new StudentTrainer(TrainerConfig.builder().epochs(workload.epochs())
                .batchSize(workload.batch()).learningRate(workload.learningRate()).warmupShare(0.05).weightDecay(0.01f)
                .clipGradient(1f).temperature(workload.temperature()).alpha(workload.alpha())
                .patience(workload.epochs()).seed(workload.seed()).build());
        long parameters;
        // Validation (between epochs, not timed) is the first batch's worth of training examples again.
        SyntheticData validationData = data.head(workload.batch());
        try (SoftTargets trainTargets = SoftTargets.of(data.teacher());
                SoftTargets validationTargets = SoftTargets.of(validationData.teacher());
                StudentModel model = StudentModel.create(config.newBlock(), (int) workload.seed())) {
            initializer.accept(model);
            parameters = model.parameterCount();
            EncodedSplit train = new EncodedSplit(data.ids(), data.labels(), trainTargets);
            EncodedSplit validation = new EncodedSplit(validationData.ids(),
                    validationData.labels(), validationTargets);
            clock.start();
            try {
                trainer.train(model, train, validation, clock::report, clock::done);
            }
            catch (DistillationCancelledException expected) {
                // The clock stops training once every timed step ran.
            }
        }
        if (clock.timedSteps() != workload.steps()) {
            throw new BenchmarkException("DJL ran " + clock.timedSteps() + " timed steps, expected " + workload.steps());
        }
        double seconds = clock.timedNanos() / 1e9;
        ObjectNode djl = MAPPER.createObjectNode();
        djl.put("framework", "djl");
        djl.put("djl_version", Engine.getDjlVersion());
        djl.put("libtorch_version", engine.getVersion());
        djl.put("student", workload.student());
        djl.put("parameters", parameters);
        djl.put("threads", PyTorchRuntime.intraOpThreads());
        djl.put("steps", workload.steps());
        djl.put("warmup_steps", workload.warmupSteps());
        djl.put("seconds", Math.round(seconds * 1e6) / 1e6);
        djl.put("steps_per_second", Math.round(workload.steps() / seconds * 1000) / 1000.0);
        djl.put("main_thread_cpu_seconds", Math.round(clock.timedCpuNanos() / 1e3) / 1e6);
        ArrayNode stepSeconds = djl.putArray("step_seconds");
        clock.timedStepNanos().forEach(nanos -> stepSeconds.add(Math.round(nanos / 1e3) / 1e6));
        djl.put("peak_rss_bytes", PeakMemory.residentBytes());
        ArrayNode losses = djl.putArray("epoch_losses");
        clock.epochLosses().forEach(loss -> losses.add(Math.round(loss * 1e6) / 1e6));
        djl.put("data_checksum", data.checksum());
        return djl;
    }
}
