"""Models that travel: the registry of shipped files, fetching them on demand into the cache,
mirrors, and publishing to a model hub (docs/distribution.md)."""
