"""Stand-in for the ``_config.py`` that codegen writes from each manifest.

It lets the templates in this folder be linted and type-checked on their own; codegen
never copies it. The generated module defines the same names, with the manifest's
values.
"""

DEPLOYMENT = "example"
"""The deployment whose resources this client uses (``deployment:`` in the manifest)."""
