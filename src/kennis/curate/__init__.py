"""Keeping the curated graph in step with new editions of a regulation.

Sits after ``answer`` in the layering (it reuses the entity linker and the action
vocabulary of the answers) and before the interfaces:

- :mod:`kennis.curate.align`: sentences of two editions aligned, on top of the section
  alignment of :mod:`kennis.corpus.compare`;
- :mod:`kennis.curate.carry`: where a new edition states each curated statement;
- :mod:`kennis.curate.propose`: candidate statements read from an edition's text;
- :mod:`kennis.curate.review`: a draft ABox file of carried and proposed statements;
- :mod:`kennis.curate.changes`: per actor, what changed between two editions.
"""
