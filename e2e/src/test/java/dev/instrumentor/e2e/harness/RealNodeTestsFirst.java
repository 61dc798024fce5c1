package dev.instrumentor.e2e.harness;

import java.util.Comparator;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Runs the {@code *OnRealNodeTest} classes before the others, then the rest by name: the other classes create
 * pods the scheduler also places on the node (their images are not there, so they wait with ErrImagePull and
 * hold their resource requests), and a node test must not find the node's two cores already requested.
 * Set in {@code junit-platform.properties}.
 */
public final class RealNodeTestsFirst implements ClassOrderer {

  @Override
  public void orderClasses(ClassOrdererContext context) {
    context.getClassDescriptors().sort(Comparator
        .comparing((ClassDescriptor descriptor) -> !descriptor.getTestClass().getSimpleName().endsWith("OnRealNodeTest"))
        .thenComparing(descriptor -> descriptor.getTestClass().getName()));
  }
}
