module instrumentor.dev/e2e/rolldice

go 1.26.0
