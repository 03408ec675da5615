package dev.labq.core.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URL;
import java.net.URLClassLoader;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * {@link PrioritySettings#DEFAULTS} is whole whichever of its classes the JVM initialises first. Parsing a
 * labq.yaml with a {@code priority.weights} section builds a {@code Weights} before any
 * {@code PrioritySettings}: the defaults must not depend on that order. Each case loads the config classes
 * afresh in a class loader of its own, so the order is the one the case names.
 */
class PrioritySettingsInitOrderTest {

    @ParameterizedTest(name = "{0} first")
    @ValueSource(strings = {"PrioritySettings", "PrioritySettings$Weights", "PrioritySettings$Billing"})
    void defaultsAreWholeWhicheverClassIsInitialisedFirst(String first) throws Exception {
        URL classes = PrioritySettings.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader fresh = new URLClassLoader(new URL[]{classes}, ClassLoader.getPlatformClassLoader())) {
            Class.forName("dev.labq.core.config." + first, true, fresh);
            Class<?> settings = Class.forName("dev.labq.core.config.PrioritySettings", true, fresh);
            Object defaults = settings.getField("DEFAULTS").get(null);
            assertNotNull(settings.getMethod("weights").invoke(defaults), "DEFAULTS.weights() after " + first);
            assertNotNull(settings.getMethod("billing").invoke(defaults), "DEFAULTS.billing() after " + first);
        }
    }
}
