"""Runtime tests: the handler against moto, the logic against in-memory fakes."""
