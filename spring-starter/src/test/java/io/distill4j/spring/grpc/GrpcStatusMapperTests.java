package io.distill4j.spring.grpc;


import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.api.exception.ModelNotFoundException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class GrpcStatusMapperTests {

    @Test
    void eachErrorBecomesItsStatusWithTheSubjectAndMessage() {
        Status invalid = GrpcStatusMapper.toStatus(new InvalidInputException("minilm", "texts[3]", "must not be empty"));
        assertThat(invalid.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(invalid.getDescription()).isEqualTo("minilm: texts[3]: must not be empty");
        assertThat(GrpcStatusMapper.toStatus(new ModelNotFoundException("x", "Model x is not loaded")).getCode())
            .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(GrpcStatusMapper.toStatus(new ModelLoadException("x", "corrupt")).getCode())
            .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(GrpcStatusMapper.toStatus(new DistillationException("job-1", "teacher failed", null)).getCode())
            .isEqualTo(Status.Code.ABORTED);
        assertThat(GrpcStatusMapper.toStatus(new DistillationCancelledException("job-1", "cancelled")).getCode())
            .isEqualTo(Status.Code.CANCELLED);
        assertThat(GrpcStatusMapper.toStatus(new IllegalArgumentException("budget.maxTrials must be >= 1"))
            .getDescription()).isEqualTo("budget.maxTrials must be >= 1");
    }

    @Test
    void anUnexpectedFailureSaysNothingAboutItsInsides() {
        Status status = GrpcStatusMapper.toStatus(new NullPointerException("secret path /etc/x"));
        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).isEqualTo("internal error");
        StatusRuntimeException passedThrough = Status.UNAUTHENTICATED.asRuntimeException();
        assertThat(GrpcStatusMapper.toStatus(passedThrough).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }
}
