package dev.instrumentor.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WorkloadsTest {

  private static final Instant RESTARTED = Instant.parse("2026-11-30T10:00:00Z");

  private static Deployment deployment(int replicas, long generation, Long observed, int updated, int available, int total) {
    return new DeploymentBuilder().withNewMetadata().withName("cart").withNamespace("shop").withGeneration(generation)
        .endMetadata().withNewSpec().withReplicas(replicas).endSpec()
        .withNewStatus().withObservedGeneration(observed).withUpdatedReplicas(updated).withAvailableReplicas(available)
        .withReplicas(total).endStatus().build();
  }

  @Test
  void aDeploymentIsAvailableWhenEveryReplicaRunsTheNewTemplate() {
    assertThat(Workloads.progress(deployment(2, 5, 5L, 2, 2, 2), RESTARTED, RESTARTED.plusSeconds(5)).progress())
        .isEqualTo(RolloutPlanner.Progress.AVAILABLE);
    // the controller has not seen the restart yet, or an old pod is still there
    assertThat(Workloads.progress(deployment(2, 5, 4L, 2, 2, 2), RESTARTED, RESTARTED).progress())
        .isEqualTo(RolloutPlanner.Progress.PROGRESSING);
    assertThat(Workloads.progress(deployment(2, 5, 5L, 2, 2, 3), RESTARTED, RESTARTED).progress())
        .isEqualTo(RolloutPlanner.Progress.PROGRESSING);
    Deployment stuck = new DeploymentBuilder(deployment(2, 5, 5L, 1, 1, 3)).editStatus().addNewCondition()
        .withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded").endCondition().endStatus().build();
    assertThat(Workloads.progress(stuck, RESTARTED, RESTARTED.plusSeconds(5)).progress())
        .isEqualTo(RolloutPlanner.Progress.FAILED);
    assertThat(Workloads.progress(null, RESTARTED, RESTARTED).progress()).isEqualTo(RolloutPlanner.Progress.GONE);
  }

  @Test
  void aStatefulSetFailsAfterTheDeadline() {
    var statefulSet = new StatefulSetBuilder().withNewMetadata().withName("db").withGeneration(2L).endMetadata()
        .withNewSpec().withReplicas(1).endSpec().withNewStatus().withObservedGeneration(2L).withCurrentRevision("a")
        .withUpdateRevision("b").withReadyReplicas(0).endStatus().build();
    assertThat(Workloads.progress(statefulSet, RESTARTED, RESTARTED.plusSeconds(60)).progress())
        .isEqualTo(RolloutPlanner.Progress.PROGRESSING);
    assertThat(Workloads.progress(statefulSet, RESTARTED, RESTARTED.plus(Workloads.DEADLINE).plusSeconds(1)).progress())
        .isEqualTo(RolloutPlanner.Progress.FAILED);
  }
}
