package io.distill4j.spring.actuate;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@link ModelsEndpoint}'s load and unload over HTTP: a failure answers with its status (404 unknown model
 * or version, 400 bad version, 422 a model that cannot be loaded) and a body naming the error.
 */
@EndpointWebExtension(endpoint = ModelsEndpoint.class)
public class ModelsEndpointWebExtension {

    private final ModelsEndpoint delegate;

    public ModelsEndpointWebExtension(ModelsEndpoint delegate) {
        this.delegate = delegate;
    }

    @WriteOperation
    public WebEndpointResponse<Object> load(@Selector String name, @Nullable Long version) {
        return EndpointErrors.respond(() -> this.delegate.load(name, version), "No model " + name);
    }

    @DeleteOperation
    public WebEndpointResponse<Object> unload(@Selector String name) {
        return EndpointErrors.respond(() -> this.delegate.unload(name), "No model " + name);
    }
}
