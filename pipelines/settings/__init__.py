"""Settings models of the parts of the application layer, composed in :mod:`pipelines.config`.

They sit at the bottom of ``pipelines`` so that the composed settings, and every layer
that reads them, never import the domain packages (alerts, privacy) they configure.
"""
