"""Small constructs that own one resource each (plus what that resource cannot live without).

Components receive resolved values and never see an environment name; the
stacks compose them and wire the grants between them.
"""
