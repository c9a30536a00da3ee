"""AWS implementations of the ``service.ports`` interfaces."""
