package dev.modelsummary.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Without Chromium the browser tests must not vanish: each one is counted and reported as skipped, with the
 * reason, and under CI each one fails. Runs {@link ChromiumHtmlReportTest} through the JUnit Platform with
 * {@code -Dchromium.executable} naming a browser that does not exist.
 */
class ChromiumSkipTest {
    private static final String MISSING = "/nonexistent/chromium";

    @AfterEach
    void restore() {
        System.clearProperty("chromium.executable");
        System.clearProperty("chromium.required");
    }

    @Test
    void withoutChromiumEveryBrowserTestIsSkippedWithTheReason() {
        List<String> reasons = new CopyOnWriteArrayList<>();
        TestExecutionSummary summary = runWithout("false", reasons);

        assertThat(summary.getTestsFoundCount()).isEqualTo(testMethods());
        assertThat(summary.getTestsAbortedCount()).isEqualTo(testMethods());
        assertThat(summary.getTestsFailedCount()).isZero();
        assertThat(summary.getContainersFailedCount()).isZero();
        assertThat(reasons).hasSize((int) testMethods())
                .allMatch(reason -> reason.startsWith(MISSING + " is missing: install it with"));
    }

    @Test
    void underCiEveryBrowserTestFails() {
        TestExecutionSummary summary = runWithout("true", new CopyOnWriteArrayList<>());

        assertThat(summary.getTestsFoundCount()).isEqualTo(testMethods());
        assertThat(summary.getTestsFailedCount()).isEqualTo(testMethods());
        assertThat(summary.getFailures()).allMatch(failure -> failure.getException().getMessage()
                .endsWith("(CI must run the browser tests)"));
    }

    private static TestExecutionSummary runWithout(String required, List<String> reasons) {
        System.setProperty("chromium.executable", MISSING);
        System.setProperty("chromium.required", required);
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        TestExecutionListener aborts = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (test.isTest() && result.getStatus() == TestExecutionResult.Status.ABORTED) {
                    result.getThrowable().ifPresent(e -> reasons.add(e.getMessage()));
                }
            }
        };
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(ChromiumHtmlReportTest.class)).build(), summary, aborts);
        return summary.getSummary();
    }

    private static long testMethods() {
        Method[] methods = ChromiumHtmlReportTest.class.getDeclaredMethods();
        return Arrays.stream(methods).filter(m -> m.isAnnotationPresent(Test.class)).count();
    }
}
