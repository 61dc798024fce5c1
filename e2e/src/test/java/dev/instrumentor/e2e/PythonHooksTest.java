package dev.instrumentor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.e2e.harness.ControlPlane;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Python agent image's hooks ({@code images/python-agent/hooks}) under their own unit tests, run with the agent's
 * packages as the image installs them and Celery from the applications' packages: a recycled child flushes, the
 * log handler Celery removes comes back, uWSGI's ways of enabling threads are all read.
 */
class PythonHooksTest {

  @Test
  void theHooksUnitTestsPass() throws Exception {
    Path installed = RealApps.install("e2e/python/install.sh");
    Path hooks = ControlPlane.projectRoot().resolve("images/python-agent/hooks");
    ProcessBuilder builder = new ProcessBuilder(installed.resolve("app/bin/python").toString(), "-m", "unittest",
        "discover", "-v", "-s", hooks.resolve("tests").toString())
        .directory(hooks.toFile()).redirectErrorStream(true);
    // the agent's packages (the hooks among them, as pip installed them) before the application's, as injected
    builder.environment().put("PYTHONPATH", installed.resolve("autoinstrumentation").toString());
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("finished").isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).as(output).contains("Ran 8 tests").contains("OK");
  }
}
