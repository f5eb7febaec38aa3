"""Training: the loop is `model.fit`; this package adds what a GAN run needs around it."""
