package io.distill4j.api.grpc;

import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.distill4j.api.grpc.distill.v1.DistillationProto;
import io.distill4j.api.grpc.inference.GrpcPredictV2;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire contract of the two gRPC protocols. For the Open Inference Protocol every message field is
 * listed with the number and type the published specification gives it (and Triton's for the repository
 * extension): a renumbered or retyped field would break existing Triton/KServe clients silently, so this
 * list is the specification's, transcribed, not derived from the generated code.
 */
class ProtocolDefinitionTests {

    private static final List<String> OPEN_INFERENCE_FIELDS = List.of(
            "ServerLiveResponse.live=1:BOOL",
            "ServerReadyResponse.ready=1:BOOL",
            "ModelReadyRequest.name=1:STRING", "ModelReadyRequest.version=2:STRING",
            "ModelReadyResponse.ready=1:BOOL",
            "ServerMetadataResponse.name=1:STRING", "ServerMetadataResponse.version=2:STRING",
            "ServerMetadataResponse.extensions=3:STRING[]",
            "ModelMetadataRequest.name=1:STRING", "ModelMetadataRequest.version=2:STRING",
            "ModelMetadataResponse.name=1:STRING", "ModelMetadataResponse.versions=2:STRING[]",
            "ModelMetadataResponse.platform=3:STRING", "ModelMetadataResponse.inputs=4:MESSAGE[]",
            "ModelMetadataResponse.outputs=5:MESSAGE[]",
            "ModelMetadataResponse.TensorMetadata.name=1:STRING", "ModelMetadataResponse.TensorMetadata.datatype=2:STRING",
            "ModelMetadataResponse.TensorMetadata.shape=3:INT64[]",
            "ModelInferRequest.model_name=1:STRING", "ModelInferRequest.model_version=2:STRING",
            "ModelInferRequest.id=3:STRING", "ModelInferRequest.parameters=4:MESSAGE[]",
            "ModelInferRequest.inputs=5:MESSAGE[]", "ModelInferRequest.outputs=6:MESSAGE[]",
            "ModelInferRequest.raw_input_contents=7:BYTES[]",
            "ModelInferRequest.InferInputTensor.name=1:STRING", "ModelInferRequest.InferInputTensor.datatype=2:STRING",
            "ModelInferRequest.InferInputTensor.shape=3:INT64[]",
            "ModelInferRequest.InferInputTensor.parameters=4:MESSAGE[]",
            "ModelInferRequest.InferInputTensor.contents=5:MESSAGE",
            "ModelInferRequest.InferRequestedOutputTensor.name=1:STRING",
            "ModelInferRequest.InferRequestedOutputTensor.parameters=2:MESSAGE[]",
            "ModelInferResponse.model_name=1:STRING", "ModelInferResponse.model_version=2:STRING",
            "ModelInferResponse.id=3:STRING", "ModelInferResponse.parameters=4:MESSAGE[]",
            "ModelInferResponse.outputs=5:MESSAGE[]", "ModelInferResponse.raw_output_contents=6:BYTES[]",
            "ModelInferResponse.InferOutputTensor.name=1:STRING", "ModelInferResponse.InferOutputTensor.datatype=2:STRING",
            "ModelInferResponse.InferOutputTensor.shape=3:INT64[]",
            "ModelInferResponse.InferOutputTensor.parameters=4:MESSAGE[]",
            "ModelInferResponse.InferOutputTensor.contents=5:MESSAGE",
            "InferParameter.bool_param=1:BOOL", "InferParameter.int64_param=2:INT64",
            "InferParameter.string_param=3:STRING", "InferParameter.double_param=4:DOUBLE",
            "InferParameter.uint64_param=5:UINT64",
            "InferTensorContents.bool_contents=1:BOOL[]", "InferTensorContents.int_contents=2:INT32[]",
            "InferTensorContents.int64_contents=3:INT64[]", "InferTensorContents.uint_contents=4:UINT32[]",
            "InferTensorContents.uint64_contents=5:UINT64[]", "InferTensorContents.fp32_contents=6:FLOAT[]",
            "InferTensorContents.fp64_contents=7:DOUBLE[]", "InferTensorContents.bytes_contents=8:BYTES[]",
            "RepositoryIndexRequest.repository_name=1:STRING", "RepositoryIndexRequest.ready=2:BOOL",
            "RepositoryIndexResponse.models=1:MESSAGE[]",
            "RepositoryIndexResponse.ModelIndex.name=1:STRING", "RepositoryIndexResponse.ModelIndex.version=2:STRING",
            "RepositoryIndexResponse.ModelIndex.state=3:STRING", "RepositoryIndexResponse.ModelIndex.reason=4:STRING",
            "ModelRepositoryParameter.bool_param=1:BOOL", "ModelRepositoryParameter.int64_param=2:INT64",
            "ModelRepositoryParameter.string_param=3:STRING", "ModelRepositoryParameter.bytes_param=4:BYTES",
            "RepositoryModelLoadRequest.repository_name=1:STRING", "RepositoryModelLoadRequest.model_name=2:STRING",
            "RepositoryModelLoadRequest.parameters=3:MESSAGE[]",
            "RepositoryModelUnloadRequest.repository_name=1:STRING", "RepositoryModelUnloadRequest.model_name=2:STRING",
            "RepositoryModelUnloadRequest.parameters=3:MESSAGE[]");

    @Test
    void theOpenInferenceProtocolHasThePublishedServiceAndMethods() {
        FileDescriptor file = GrpcPredictV2.getDescriptor();
        assertThat(file.getPackage()).isEqualTo("inference");
        ServiceDescriptor service = file.findServiceByName("GRPCInferenceService");
        assertThat(service.getFullName()).isEqualTo("inference.GRPCInferenceService");
        assertThat(service.getMethods()).extracting(MethodDescriptor::getName).containsExactly("ServerLive",
                "ServerReady", "ModelReady", "ServerMetadata", "ModelMetadata", "ModelInfer", "RepositoryIndex",
                "RepositoryModelLoad", "RepositoryModelUnload");
        assertThat(service.getMethods()).allSatisfy(method -> {
            assertThat(method.isClientStreaming()).isFalse();
            assertThat(method.isServerStreaming()).isFalse();
            assertThat(method.getInputType().getName()).isEqualTo(method.getName() + "Request");
            assertThat(method.getOutputType().getName()).isEqualTo(method.getName() + "Response");
        });
    }

    @Test
    void everyOpenInferenceFieldHasThePublishedNumberAndType() {
        List<String> actual = new ArrayList<>();
        for (Descriptor message : GrpcPredictV2.getDescriptor().getMessageTypes()) {
            describe(message, message.getName(), actual);
        }
        assertThat(actual).containsExactlyInAnyOrderElementsOf(OPEN_INFERENCE_FIELDS);
    }

    @Test
    void theDistillationServiceWatchesAJobAsAServerStream() {
        ServiceDescriptor service = DistillationProto.getDescriptor().findServiceByName("DistillationService");
        assertThat(service.getFullName()).isEqualTo("distill4j.distill.v1.DistillationService");
        assertThat(service.getMethods()).extracting(MethodDescriptor::getName)
                .containsExactly("Submit", "Get", "List", "Watch", "Cancel");
        assertThat(service.findMethodByName("Watch").isServerStreaming()).isTrue();
        assertThat(service.findMethodByName("Submit").isServerStreaming()).isFalse();
    }

    private static void describe(Descriptor message, String path, List<String> out) {
        for (FieldDescriptor field : message.getFields()) {
            out.add(path + "." + field.getName() + "=" + field.getNumber() + ":" + field.getType()
                    + (field.isRepeated() ? "[]" : ""));
        }
        for (Descriptor nested : message.getNestedTypes()) {
            if (!nested.getOptions().getMapEntry()) {
                describe(nested, path + "." + nested.getName(), out);
            }
        }
    }
}
