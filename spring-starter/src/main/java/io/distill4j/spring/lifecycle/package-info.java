/**
 * The serving lifecycle of a server: {@link io.distill4j.spring.lifecycle.ServingGate}, the one state both
 * protocol bindings consult for readiness and for admitting inference requests, and
 * {@link io.distill4j.spring.lifecycle.ServingShutdown}, which takes a closing server out of rotation (readiness
 * down, refusals, requests in flight finished) before its servers stop and its engine closes.
 */
package io.distill4j.spring.lifecycle;
