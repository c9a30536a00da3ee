"""CDK infrastructure for the service: config, components, and the stacks that compose them."""
