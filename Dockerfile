# The operator image: the executable jar on a distroless Java 17 runtime (Debian 13), as a non-root user, with
# an AppCDS archive of a training run that cuts startup and a new replica's first seconds (benchmarks/run.sh
# measures both; see BENCHMARKS.md; Java 25 with an AOT cache was measured and not taken, benchmarks/NOTES.md).
# Build the jar first (./mvnw -B package -DskipTests), then: docker build -t instrumentor:dev .
FROM gcr.io/distroless/java17-debian13:nonroot
WORKDIR /app
COPY operator/target/instrumentor.jar /app/instrumentor.jar
COPY examples/instrumentation.yaml examples/java-deployment.yaml /app/training/
# Training run (no cluster needed): the classes startup and admission load are archived, on the JVM the image
# runs and with the chart's collector (an archive is valid for one JVM build and class path).
USER 0:0
RUN ["java", "-XX:+UseSerialGC", "-XX:ArchiveClassesAtExit=/app/instrumentor.jsa", "-cp", "/app/instrumentor.jar", \
     "dev.instrumentor.operator.cli.CdsTraining", "/app/training"]
# The chart runs java with its own options (heap from the memory limit, serial GC, exit on OOM, this archive).
USER 65532:65532
EXPOSE 9443 8080
ENTRYPOINT ["java", "-jar", "/app/instrumentor.jar"]
CMD ["run"]
