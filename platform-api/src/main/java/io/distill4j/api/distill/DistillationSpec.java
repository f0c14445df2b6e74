package io.distill4j.api.distill;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.distill4j.api.Checks;
import io.distill4j.api.ModelId;

/**
 * Everything a distillation needs, as an immutable value built with {@link #builder()}. Only the teacher
 * and the data are required; every other setting has a default.
 *
 * <pre>{@code
 * DistillationSpec spec = DistillationSpec.builder()
 *         .teacher(TeacherSpec.repositoryModel("minilm"))
 *         .data(DataSpec.tsv(Path.of("banking77/train.tsv")).test(Path.of("banking77/test.tsv")))
 *         .task(DistillationTask.TEXT_CLASSIFICATION)
 *         .gate(QualityGate.relativeToTeacher(0.97))
 *         .register("banking77-student")
 *         .build();
 * }</pre>
 *
 * @param name a name for reports and the job list; default: the teacher's name + {@code -distill}
 * @param teacher the teacher
 * @param data the data
 * @param task what the student learns; default {@link DistillationTask#TEXT_CLASSIFICATION}
 * @param student the architecture, or {@link StudentSpec#auto()} (default)
 * @param budget time and trials for tuning and training; default {@link Budget#ofDefaults()}
 * @param gates conditions the student must meet; default none
 * @param output where the student, its INT8 twin and the report are written; empty: a folder the
 *     distiller chooses under its work directory
 * @param register the model name under which the student is registered in the model repository as a new
 *     version; empty: not registered
 * @param seed the seed of every random choice (split, augmentation, initialization, batch order); default 42
 * @param augmentation transfer-set augmentation; default {@link Augmentation#none()}
 * @param memoryMode staged (default) or online teacher/student; see {@link MemoryMode}
 * @param softTargetPrecision how soft targets are cached; default {@link SoftTargetPrecision#FLOAT32}
 * @param teacherOutputs a folder of the teacher's outputs computed elsewhere — the Spark teacher pass of
 *     {@code distill4j-spark} — that the teacher stage reads instead of running the teacher on the texts it
 *     holds (the folder must have been made with this teacher and settings; the job checks); ONNX and
 *     repository teachers only. Empty (default): the teacher runs on every text
 */
public record DistillationSpec(String name, TeacherSpec teacher, DataSpec data, DistillationTask task,
        StudentSpec student, Budget budget, List<QualityGate> gates, Optional<Path> output, Optional<String> register,
        long seed, Augmentation augmentation, MemoryMode memoryMode, SoftTargetPrecision softTargetPrecision,
        Optional<Path> teacherOutputs) {

    /** The default {@link #seed()}. */
    public static final long DEFAULT_SEED = 42;

    /** The most {@link #gates()} a spec may carry. */
    public static final int MAX_GATES = 16;

    public DistillationSpec {
        Checks.notBlank(name, "name");
        Checks.notNull(teacher, "teacher");
        Checks.notNull(data, "data");
        Checks.notNull(task, "task");
        Checks.notNull(student, "student");
        Checks.notNull(budget, "budget");
        gates = List.copyOf(Checks.notNull(gates, "gates"));
        if (gates.size() > MAX_GATES) {
            throw new IllegalArgumentException("gates: at most " + MAX_GATES + " gates, got " + gates.size());
        }
        Checks.notNull(output, "output");
        Checks.notNull(register, "register");
        register.ifPresent(model -> {
            try {
                ModelId.requireValidName(model);
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("register: " + ex.getMessage(), ex);
            }
        });
        Checks.notNull(augmentation, "augmentation");
        Checks.notNull(memoryMode, "memoryMode");
        Checks.notNull(softTargetPrecision, "softTargetPrecision");
        Checks.notNull(teacherOutputs, "teacherOutputs");
        if (teacherOutputs.isPresent() && !(teacher instanceof TeacherSpec.OnnxClassifier
                || teacher instanceof TeacherSpec.OnnxEncoder || teacher instanceof TeacherSpec.RepositoryModel)) {
            throw new IllegalArgumentException("teacherOutputs: precomputed teacher outputs apply to ONNX classifier, "
                    + "ONNX encoder and repository-model teachers, not to a " + teacher.getClass().getSimpleName()
                    + " teacher");
        }
        if (teacher instanceof TeacherSpec.FineTuned && task != DistillationTask.TEXT_CLASSIFICATION) {
            throw new IllegalArgumentException("teacher: a fine-tuned teacher is a classifier and cannot teach "
                    + task + "; use the encoder itself (onnxEncoder or repositoryModel) as the teacher of an "
                    + "embedding job");
        }
        if (!teacher.supports(task)) {
            throw new IllegalArgumentException("teacher: a " + teacher.getClass().getSimpleName()
                    + " teacher cannot teach " + task);
        }
        if (teacher instanceof TeacherSpec.FineTuned && !data.isLabeled()) {
            throw new IllegalArgumentException("data: a fine-tuned teacher needs labelled data to fine-tune on; "
                    + "set data.labelColumn");
        }
        if (task == DistillationTask.TEXT_CLASSIFICATION && teacher instanceof TeacherSpec.OnnxEncoder
                && !data.isLabeled()) {
            throw new IllegalArgumentException("data: an encoder teacher needs labelled data to fit its "
                    + "classification head; set data.labelColumn");
        }
        student.training().ifPresent(training -> requireApplicableSchedule(training, task, data));
    }

    /**
     * The distillation schedule needs what it varies: a temperature and alpha (classification; the embedding
     * losses have neither) and, for a hard-label warm-up, hard labels.
     */
    private static void requireApplicableSchedule(StudentSpec.Training training, DistillationTask task, DataSpec data) {
        if (task != DistillationTask.TEXT_CLASSIFICATION && training.scheduled()) {
            String field = training.temperatureAnnealing() ? "student.training.temperatureAnnealing"
                    : "student.training.hardLabelWarmupEpochs";
            throw new IllegalArgumentException(field + " applies to " + DistillationTask.TEXT_CLASSIFICATION
                    + " only: the " + task + " losses have no temperature or alpha to schedule");
        }
        if (training.hardLabelWarmupEpochs() > 0 && !data.isLabeled()) {
            throw new IllegalArgumentException("student.training.hardLabelWarmupEpochs needs labelled data to train"
                    + " on in its warm-up epochs; set data.labelColumn or leave the warm-up at 0");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this spec's settings, to derive a variant. */
    public Builder toBuilder() {
        Builder builder = new Builder().name(this.name).teacher(this.teacher).data(this.data).task(this.task)
                .student(this.student).budget(this.budget).seed(this.seed).augmentation(this.augmentation)
                .memoryMode(this.memoryMode).softTargetPrecision(this.softTargetPrecision);
        this.gates.forEach(builder::gate);
        this.output.ifPresent(builder::output);
        this.register.ifPresent(builder::register);
        this.teacherOutputs.ifPresent(builder::teacherOutputs);
        return builder;
    }

    /** Builder of {@link DistillationSpec}; {@link #build()} validates and names the first bad field. */
    public static final class Builder {

        private String name;

        private TeacherSpec teacher;

        private DataSpec data;

        private DistillationTask task = DistillationTask.TEXT_CLASSIFICATION;

        private StudentSpec student = StudentSpec.auto();

        private Budget budget = Budget.ofDefaults();

        private final List<QualityGate> gates = new ArrayList<>();

        private Path output;

        private String register;

        private long seed = DEFAULT_SEED;

        private Augmentation augmentation = Augmentation.none();

        private MemoryMode memoryMode = MemoryMode.STAGED;

        private SoftTargetPrecision softTargetPrecision = SoftTargetPrecision.FLOAT32;

        private Path teacherOutputs;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder teacher(TeacherSpec teacher) {
            this.teacher = teacher;
            return this;
        }

        public Builder data(DataSpec data) {
            this.data = data;
            return this;
        }

        public Builder task(DistillationTask task) {
            this.task = task;
            return this;
        }

        public Builder student(StudentSpec student) {
            this.student = student;
            return this;
        }

        public Builder budget(Budget budget) {
            this.budget = budget;
            return this;
        }

        /** Adds a gate; may be called several times. */
        public Builder gate(QualityGate gate) {
            this.gates.add(Checks.notNull(gate, "gate"));
            return this;
        }

        public Builder output(Path output) {
            this.output = Checks.path(output, "output");
            return this;
        }

        public Builder register(String modelName) {
            this.register = modelName;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder augmentation(Augmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        public Builder memoryMode(MemoryMode memoryMode) {
            this.memoryMode = memoryMode;
            return this;
        }

        public Builder softTargetPrecision(SoftTargetPrecision precision) {
            this.softTargetPrecision = precision;
            return this;
        }

        /** A folder of the teacher's outputs made by the Spark teacher pass; see {@link DistillationSpec#teacherOutputs()}. */
        public Builder teacherOutputs(Path folder) {
            this.teacherOutputs = Checks.path(folder, "teacherOutputs");
            return this;
        }

        /**
         * The spec.
         *
         * @throws IllegalArgumentException naming the first missing or invalid field
         */
        public DistillationSpec build() {
            Checks.notNull(this.teacher, "teacher");
            Checks.notNull(this.data, "data");
            String resolvedName = this.name != null ? this.name : this.teacher.name() + "-distill";
            return new DistillationSpec(resolvedName, this.teacher, this.data, this.task, this.student, this.budget,
                    this.gates, Optional.ofNullable(this.output), Optional.ofNullable(this.register), this.seed,
                    this.augmentation, this.memoryMode, this.softTargetPrecision,
                    Optional.ofNullable(this.teacherOutputs));
        }
    }
}
