"""Architecture diagrams generated from the synthesised CloudFormation, never drawn by hand.

`extract` reads templates into a small graph model, `render` turns that model
into Graphviz DOT, and `python -m diagrams` (what `make diagram` runs) writes
the model, the DOT and the pictures under `diagrams/output/`. The drift test in
`tests/docs/` compares the committed model with one built from a fresh synth,
so a picture cannot quietly go stale.
"""
