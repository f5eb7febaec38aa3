"""The self-conditioned GAN (Liu et al. 2020, `model.self_conditioning = K`): the training
images are split into K k-means clusters, and both networks are conditioned on the cluster as
a conditional GAN is on its classes. The discriminator has one output per cluster and each
sample is judged by its own cluster's."""

import tensorflow as tf
from absl import logging


def own_cluster_logits(logits, clusters):
    """(B, K) logits -> (B, 1): each sample's logit for its own cluster."""
    return tf.gather(logits, tf.cast(clusters, tf.int32), axis=1, batch_dims=1)[:, None]


def relabelled(data, clusters: int, seed: int, code_layers):
    """`data` labelled with its k-means cluster ids, and each generator's cluster-code layer set
    to draw the clusters with their shares of the data. The same data and seed give the same
    clusters, so a resumed run relabels its data as the first run did."""
    from ganzoo.datasets import clusters as kmeans

    data, shares = kmeans.clustered(data, clusters, seed=seed)
    for layer in code_layers:
        layer.set_shares(shares)
    logging.info("Self-conditioning on %d k-means clusters of %s %s: shares %.1f%% to %.1f%%",
                 len(shares), data.name, data.split, 100 * shares.min(), 100 * shares.max())
    return data
