"""The knowledge graph: vocabulary, assembly, validation, reasoning and store backends."""
