package io.distill4j.spring.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OrtEnvironment;
import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.engine.session.ModelSession;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * {@code distill4j} in {@code /actuator/info}: the Distill4j version, the runtime the starter carries (ONNX
 * Runtime's version and the execution providers this build has) and the models served, each with its
 * {@code name/version}, execution provider (and why it is not a preferred one, if so) and compatibility
 * verdict, as the engine describes them.
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
        OrtEnvironment environment = ModelSession.environment();
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("name", "ONNX Runtime");
        runtime.put("version", environment.getVersion());
        runtime.put("providers", OrtEnvironment.getAvailableProviders().stream().map(Enum::name).sorted().toList());
        info.put("engine", runtime);
        List<ModelDescriptor> loaded;
        try {
            loaded = this.engine.loadedModels();
        }
        catch (IllegalStateException ex) {
            loaded = List.of();
        }
        info.put("models", loaded.stream().map(Distill4jInfoContributor::model).toList());
        builder.withDetail("distill4j", info);
    }

    private static Map<String, Object> model(ModelDescriptor descriptor) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("model", descriptor.id().toString());
        model.put("provider", descriptor.executionProvider());
        String note = ModelsEndpoint.providerNote(descriptor);
        if (note != null) {
            model.put("providerNote", note);
        }
        model.put("compatibility", ModelsEndpoint.verdict(descriptor));
        return model;
    }
}
