"""Run the service on a laptop: the real handler behind a local API Gateway, on moto.

`python -m local` (or `make local`) synthesises the app, reads what to create from the
synthesised template itself (tables, secrets, the function's environment, the API's stages and
the alias each one invokes), and serves it on 127.0.0.1. Reading the template instead of
restating it is the point: the local schema and wiring cannot drift from what is deployed.

Modules, outermost first:

- ``__main__``: the command line, the console and Ctrl-C.
- ``stack``: starts and stops the pieces in order.
- ``gateway``: the HTTP server that plays API Gateway (REST, ``{proxy+}``) for each stage.
- ``events``: HTTP request -> proxy event, proxy response -> HTTP response (pure functions).
- ``workers`` / ``worker``: handler processes, one invocation at a time each.
- ``moto_process`` / ``moto_server``: moto in its own process on loopback, serialised like
  DynamoDB's conditional writes, then provisioned.
- ``child`` / ``serving``: what those pieces share: a helper process that talks JSON lines
  (moto, each handler), and an HTTP server on a thread of its own (the gateway, moto).
- ``template`` / ``intrinsics``: the cloud assembly -> a ``LocalPlan``.
- ``synth``: ``python app.py`` into ``.build/local``.
- ``fake_aws``: fake credentials and clients that can only reach moto.
- ``info`` / ``process``: the ready-file format, and the runner as a child process (for the
  end-to-end and smoke-suite tests and the load bench).
"""
