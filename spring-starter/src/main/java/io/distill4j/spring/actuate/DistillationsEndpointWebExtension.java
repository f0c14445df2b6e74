package io.distill4j.spring.actuate;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/** The {@link DistillationsEndpoint}'s cancel over HTTP: an unknown job answers 404 rather than 204. */
@EndpointWebExtension(endpoint = DistillationsEndpoint.class)
public class DistillationsEndpointWebExtension {

    private final DistillationsEndpoint delegate;

    public DistillationsEndpointWebExtension(DistillationsEndpoint delegate) {
        this.delegate = delegate;
    }

    @DeleteOperation
    public WebEndpointResponse<Object> cancel(@Selector String id) {
        return EndpointErrors.respond(() -> this.delegate.cancel(id), "No distillation job " + id);
    }
}
