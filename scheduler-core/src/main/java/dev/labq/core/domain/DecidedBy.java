package dev.labq.core.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why a job was started, as recorded in its dispatch: the policy and its version, the priority it had and
 * each factor's contribution to it, and whether it started by backfill (past a waiting job that could not
 * be delayed) rather than as the first in order.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecidedBy(String policy, double priority, Map<String, Double> factors, boolean backfilled) {
    public DecidedBy {
        factors = factors == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(factors)); // in the policy's order
    }
}
