package io.distill4j.spring.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OrtEnvironment;
import io.distill4j.api.InferenceEngine;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.session.ModelSession;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * {@code distill4j} in {@code /actuator/info}: the Distill4j version, the runtime (ONNX Runtime's version and
 * the execution providers this build has) and the models served ({@code name/version}).
 */
public class Distill4jInfoContributor implements InfoContributor {

    private final InferenceEngine engine;

    public Distill4jInfoContributor(InferenceEngine engine) {
        this.engine = engine;
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> info = new LinkedHashMap<>();
        String version = Distill4jInfoContributor.class.getPackage().getImplementationVersion();
        info.put("version", version != null ? version : "development");
        if (this.engine instanceof OnnxInferenceEngine) {
            OrtEnvironment environment = ModelSession.environment();
            Map<String, Object> runtime = new LinkedHashMap<>();
            runtime.put("name", "ONNX Runtime");
            runtime.put("version", environment.getVersion());
            runtime.put("providers", OrtEnvironment.getAvailableProviders().stream().map(Enum::name).sorted().toList());
            info.put("engine", runtime);
        }
        List<String> models;
        try {
            models = this.engine.loadedModels().stream().map(model -> model.id().toString()).toList();
        }
        catch (IllegalStateException ex) {
            models = List.of();
        }
        info.put("models", models);
        builder.withDetail("distill4j", info);
    }
}
