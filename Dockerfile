# The operator image: the executable jar on a distroless JRE, as a non-root user.
# Build the jar first (./mvnw -B package -DskipTests), then: docker build -t instrumentor:dev .
FROM gcr.io/distroless/java17-debian12:nonroot
COPY operator/target/instrumentor.jar /app/instrumentor.jar
# The chart sets JDK_JAVA_OPTIONS (heap from the memory limit, serial GC, exit on OOM).
USER 65532:65532
EXPOSE 9443 8080
ENTRYPOINT ["java", "-jar", "/app/instrumentor.jar"]
CMD ["run"]
