"""Use cases: what one ``socmon`` command does (ingest, process, notify, erase, retention, tick).

Each receives the settings sections and collaborators it uses from the composition root
(:mod:`pipelines.usecases.compose`); none parses arguments or prints: that is the CLI's job.
"""
