"""Trains the spamstream ONNX spam models from the feature export written by `spamstream features export`.

The features themselves are computed only in TypeScript (features/); this package never recomputes
them, so the models are trained on exactly the numbers the stream will feed them.
"""
