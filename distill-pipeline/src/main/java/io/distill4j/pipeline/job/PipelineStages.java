package io.distill4j.pipeline.job;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

import io.distill4j.api.distill.Stage;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.TeacherEncoder;
import io.distill4j.pipeline.teacher.Teacher;
import io.distill4j.pipeline.teacher.TeacherContext;
import io.distill4j.pipeline.teacher.TeacherOutcome;
import io.distill4j.pipeline.train.PyTorchRuntime;
import io.distill4j.pipeline.tune.StudentCatalog;
import io.distill4j.pipeline.tune.TrialCheckpoints;

/**
 * The stages of a job as the pipeline runs them: each method hands its work to the stage's own class
 * ({@link SearchStage}, {@link ExportStage}, ...) or to the teacher SPI, with what the spec and the
 * distiller's settings say.
 */
final class PipelineStages implements JobStages {

    private final RunContext run;

    private final Teacher teacher;

    private final TrialCheckpoints checkpoints;

    private StudentCatalog catalog;

    PipelineStages(RunContext run) {
        this.run = run;
        this.teacher = Teacher.forSpec(run.spec().teacher());
        this.checkpoints = TrialCheckpoints.under(run.config().workDirectory());
    }

    @Override
    public PreparedData prepareData() {
        // The student shapes first: a spec that asks for more than the distiller allows fails before any work.
        this.catalog = StudentCatalog.of(this.run.spec().student(), this.run.config().maxSequenceLength(),
                this.run.config().maxEpochs(), this.teacher.encoderFile(this.run.config()).map(file ->
                        new TeacherEncoder(file, this.teacher.encoderPooling(this.run.config()))));
        PyTorchRuntime.engine(this.run.config().trainingThreads(), 1);
        PreparedData data = PreparedData.read(this.run.spec().data(), this.run.spec().augmentation(),
                this.run.spec().budget(), this.run.spec().seed(), this.run.spec().task(), this.run.id(),
                this.teacher.labels());
        if (!this.run.embedding() && data.labels().size() < 2) {
            throw this.run.failure("data: a classification needs at least two labels in the training data, found "
                    + data.labels());
        }
        this.run.clock().report(0, -1, 1, Map.of(), String.format(Locale.ROOT, "data: train %d (+%d augmented), "
                + "validation %d, test %s, %s", data.train().size(), data.transfer().size() - data.train().size(),
                data.validation().size(), data.test().map(t -> Integer.toString(t.size())).orElse("none"),
                this.run.embedding() ? "texts" + data.validationPairs().map(p -> ", " + p.size()
                        + " scored validation pairs").orElse("") : data.labels().size() + " labels")
                + data.augmentation().map(choice -> "; augmentation " + choice.reason()).orElse(""));
        return data;
    }

    @Override
    public TeacherOutcome teacher(PreparedData data) {
        StudentOutput output = this.run.embedding() ? StudentOutput.EMBEDDING : StudentOutput.LOGITS;
        return this.teacher.run(new TeacherContext(this.run.id(), this.run.spec(), this.run.config(), data.train(),
                data.transfer(), data.validation(), data.test(), data.labels(),
                SoftTargetCache.inDirectory(this.run.config().cacheDirectory().resolve("soft-targets")),
                (vocabSize, width) -> this.catalog.largestParameterCount(vocabSize, width, output),
                this.run.clock(), this.run.job()::isCancelRequested));
    }

    @Override
    public StudentData studentData(PreparedData data, TeacherOutcome teacherOutcome) {
        return StudentData.encode(this.run, data, teacherOutcome, this.catalog.pruneVocabulary(this.run.spec().task()));
    }

    @Override
    public Stage searchStage() {
        return this.catalog.tuned() ? Stage.TUNING : Stage.STUDENT;
    }

    @Override
    public Searched search(StudentData data) {
        return SearchStage.run(this.run, this.catalog, data, this.checkpoints);
    }

    @Override
    public void chosen(Searched searched) {
        SearchStage.announce(this.run, searched);
    }

    @Override
    public Evaluation evaluation() {
        return Evaluation.open(this.run);
    }

    @Override
    public ExportStage.Exported export(Evaluation evaluation, Searched searched, StudentData data) throws IOException {
        return ExportStage.run(this.run, evaluation, searched.model(), data);
    }

    @Override
    public QuantizeStage.Quantized quantize(Evaluation evaluation, ExportStage.Exported exported, StudentData data)
            throws IOException {
        return QuantizeStage.run(this.run, evaluation, exported.model(), data);
    }

    @Override
    public CompatibilityStage.Compatibility compatibility(QuantizeStage.Quantized quantized) throws IOException {
        return CompatibilityStage.run(this.run, quantized.file());
    }

    @Override
    public ReportStage.Written report(ReportStage.Inputs inputs) throws IOException {
        return ReportStage.run(this.run, inputs);
    }

    @Override
    public long register(QuantizeStage.Quantized quantized, StudentData data) {
        return RegisterStage.run(this.run, this.run.spec().register().orElseThrow(), quantized.file(),
                data.tokenizerFile(), data.labels());
    }

    @Override
    public void succeeded() {
        this.checkpoints.deleteAll();
    }
}
