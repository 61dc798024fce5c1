package dev.instrumentor.operator.targetallocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AllocationStrategyTest {

  private static List<ScrapeTarget> targets(int count) {
    return IntStream.range(0, count).mapToObj(i -> ScrapeTarget.of("pods", "10.1." + (i / 250) + "." + (i % 250) + ":8080",
        Map.of("__meta_kubernetes_pod_name", "app-" + i), "node-" + (i % 3))).toList();
  }

  private static List<CollectorPod> collectors(int count) {
    return IntStream.range(0, count).mapToObj(i -> new CollectorPod("collector-" + i, "node-" + i)).toList();
  }

  private static Map<String, Long> counts(Map<String, String> assignment) {
    return assignment.values().stream().collect(Collectors.groupingBy(c -> c, Collectors.counting()));
  }

  @Test
  void consistentHashingAssignsEveryTargetOnceSpreadsThemAndMovesOnlyTheLeaversTargets() {
    AllocationStrategy strategy = AllocationStrategy.named("consistent-hashing");
    List<ScrapeTarget> targets = targets(3000);
    Map<String, String> three = strategy.assign(targets, collectors(3));
    assertThat(three).hasSize(3000);
    assertThat(counts(three).values()).allSatisfy(n -> assertThat(n).isBetween(700L, 1300L));
    assertThat(sameAssignment(strategy, targets, collectors(3), three))
        .as("stateless: another replica, or the next round, agrees").isTrue();

    Map<String, String> two = strategy.assign(targets, collectors(2));
    long moved = targets.stream().filter(t -> !three.get(t.key()).equals(two.get(t.key()))).count();
    long leaversTargets = three.values().stream().filter("collector-2"::equals).count();
    assertThat(moved).as("only the targets of the collector that left move").isEqualTo(leaversTargets);
  }

  private static boolean sameAssignment(AllocationStrategy strategy, Collection<ScrapeTarget> targets,
      Collection<CollectorPod> collectors, Map<String, String> before) {
    List<CollectorPod> reversed = new ArrayList<>(collectors);
    java.util.Collections.reverse(reversed);
    return strategy.assign(targets, reversed).equals(before);
  }

  @Test
  void leastWeightedBalancesNewTargetsAndKeepsOldOnesWhereTheyAre() {
    AllocationStrategy strategy = AllocationStrategy.named("least-weighted");
    List<ScrapeTarget> targets = targets(100);
    Map<String, String> first = strategy.assign(targets, collectors(3));
    assertThat(first).hasSize(100);
    assertThat(counts(first).values()).allSatisfy(n -> assertThat(n).isBetween(33L, 34L));

    // a fourth collector joins: nothing moves, new targets go to it first
    List<ScrapeTarget> more = new ArrayList<>(targets);
    more.addAll(targets(130).subList(100, 130));
    Map<String, String> second = strategy.assign(more, collectors(4));
    assertThat(targets).allSatisfy(t -> assertThat(second.get(t.key())).isEqualTo(first.get(t.key())));
    assertThat(counts(second).get("collector-3")).isEqualTo(30L);

    // a collector leaves: its targets go to the least loaded, the others stay
    Map<String, String> third = strategy.assign(more, collectors(4).subList(1, 4));
    assertThat(third).hasSize(130).doesNotContainValue("collector-0");
    assertThat(more).filteredOn(t -> !"collector-0".equals(second.get(t.key())))
        .allSatisfy(t -> assertThat(third.get(t.key())).isEqualTo(second.get(t.key())));
  }

  @Test
  void perNodeKeepsScrapesOnTheTargetsNode() {
    List<ScrapeTarget> targets = new ArrayList<>(targets(30));
    targets.add(ScrapeTarget.of("static", "backend:9100", Map.of(), null));
    Map<String, String> assignment = AllocationStrategy.named("per-node").assign(targets, collectors(2));
    Map<String, String> nodeOf = new HashMap<>();
    targets.forEach(t -> nodeOf.put(t.key(), t.node()));
    assertThat(assignment).hasSize(20).as("node-2 has no collector; the static target has no node")
        .allSatisfy((target, collector) -> assertThat(collector.replace("collector-", "node-")).isEqualTo(nodeOf.get(target)));
  }

  @Test
  void noCollectorsNoAssignmentAndAnUnknownStrategyIsNamed() {
    assertThat(AllocationStrategy.named("consistent-hashing").assign(targets(5), List.of())).isEmpty();
    assertThat(AllocationStrategy.named("least-weighted").assign(targets(5), List.of())).isEmpty();
    assertThatThrownBy(() -> AllocationStrategy.named("round-robin"))
        .hasMessageContaining("'round-robin' is not one of [consistent-hashing, least-weighted, per-node]");
  }
}
