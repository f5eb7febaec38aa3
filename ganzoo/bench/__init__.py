"""`python -m ganzoo.bench`: speed, memory and time to quality, measured in one run.

- throughput.py  images per second through `fit`, per family and per setting
                 (XLA on/off, float32 / mixed bfloat16), and against the TensorFlow
                 DCGAN tutorial's own loop on identical networks (tutorial.py)
- profile.py     where a step's time goes, from TensorFlow's profiler trace: ops per
                 type, the compiled call, the loop between calls, the input pipeline
- quality.py     wall time until dcgan_mnist's recipe and the tutorial's recipe reach
                 a fixed FID on the zoo MNIST classifier's features
- memory.py      peak RSS of training and of load + sample(1000), in fresh processes

Benchmarks are not tests: nothing here asserts a time.
"""
