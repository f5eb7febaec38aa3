"""A user's own images: sources, layouts, decoding, preparation, the prepared store.

Nothing here imports TensorFlow: preparation runs in worker processes that only
need Pillow and numpy. `ganzoo.datasets.prepared` turns a prepared set into the
`ImageData` / `ImagePairs` that training reads.
"""
